"""A second district for tests: the sample's figures under another district's communes.

Why this module exists: a run for one district must not depend on anything particular to Bình Liêu
(codes, names, the number 198 anywhere). `write_remapped` copies the legacy periods of a data
folder with every commune code and official name replaced by those of another district's communes
(from `pipelines.units.reference` for that period), matched in order of code (the i-th commune of
the source by code becomes the i-th of the target), every other byte kept. A run with
`--scope district:<target>` on the copy must then give the figures the sample gives for
`district:198`, commune by commune in code order.

The default target is Huyện Ba Chẽ (`202`, Tỉnh Quảng Ninh), which, like Bình Liêu, has exactly
seven communes in the legacy list: `06970` Thị trấn Ba Chẽ, `06973` Xã Thanh Sơn, `06976` Xã Thanh
Lâm, `06979` Xã Đạp Thanh, `06982` Xã Nam Sơn, `06985` Xã Lương Minh, `06988` Xã Đồn Đạc. A district
with a different number of communes is refused (no commune is invented, dropped or merged).

Byte format: rows are rewritten with the csv module as the committed files are written (comma,
`\\n`, minimal quoting, UTF-8 without BOM, names in NFC), and rows sorted by code stay sorted, so
the copy keeps every format rule of data/raw/README.md; a copy onto the source district itself is
byte for byte the source. Only periods before 1 July 2025 can be copied: districts no longer exist
after it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from pipelines.core.schema import forms
from pipelines.units.period import Period
from pipelines.units.reference import communes_of, list_in_force, units
from samplegen.files import raw_folder, refuse_repository_data

DEFAULT_DISTRICT = "202"  # Huyện Ba Chẽ, Tỉnh Quảng Ninh: 7 communes, as many as Bình Liêu


class RemapError(ValueError):
    """A copy that cannot be made as asked (wrong district, period after the reform, odd source)."""


def write_remapped(source_data_dir: Path | str, target_data_dir: Path | str, district_code: str = DEFAULT_DISTRICT,
                   periods: tuple[str, ...] = ("2022", "2023", "2024")) -> list[Path]:
    """Copy `<source>/raw/<period>/<form file>` to `<target>/raw/<period>/` for each period, with the
    communes of district `district_code` in place of the source district's; return the paths written.

    Raises RemapError when a period is not in the legacy list, the source communes are not all the
    communes of one district, or the target district does not have as many communes.
    """
    refuse_repository_data(target_data_dir, "remapped periods")
    planned = []  # every period is read and checked before anything is written
    for period in (str(p).strip() for p in periods):
        source = raw_folder(source_data_dir, period)
        target = raw_folder(target_data_dir, period)
        if source.resolve() == target.resolve():
            raise RemapError(f"{period}: the copy would overwrite its source {source}")
        tables = {name: _read(source / form.file) for name, form in forms().items()}
        planned.append((target, tables, _mapping(period, tables, str(district_code))))
    written = []
    for target, tables, mapping in planned:
        target.mkdir(parents=True, exist_ok=True)
        for name, (header, rows) in tables.items():
            code, name_at = header.index("commune_code"), header.index("commune_name")
            for row in rows:
                row[code], row[name_at] = mapping[row[code]]
            path = target / forms()[name].file
            path.write_bytes(_csv(header, rows))
            written.append(path)
    return written


def district_communes(period: str, district_code: str) -> list[tuple[str, str]]:
    """(code, official name in NFC) of the communes of a district in the legacy list, by code."""
    table = communes_of(Period.parse(period), district_code, "district")
    return [(str(c), unicodedata.normalize("NFC", str(n))) for c, n in zip(table["code"], table["name"])]


def _mapping(period: str, tables: dict[str, tuple[list[str], list[list[str]]]], district: str) -> dict:
    """Source commune code -> (target code, target name), in order of code."""
    if list_in_force(Period.parse(period)) != "legacy":
        raise RemapError(f"{period}: districts were abolished on 1 July 2025; only periods ending before it can be copied")
    codes = sorted({row[h.index("commune_code")] for h, rows in tables.values() for row in rows})
    legacy = units(Period.parse(period))
    communes = legacy[legacy["level"] == "commune"].set_index("code")
    parents = {str(communes.at[c, "parent_code"]) if c in communes.index else None for c in codes}
    if len(parents) != 1 or None in parents:
        raise RemapError(f"{period}: the source communes {', '.join(codes)} are not communes of one district")
    (source,) = parents
    if [c for c, _ in district_communes(period, source)] != codes:
        raise RemapError(f"{period}: the source has {len(codes)} of the communes of district {source}, not all of them")
    try:
        targets = district_communes(period, district)
    except ValueError as err:  # pipelines.units.reference.UnknownUnit
        raise RemapError(f"{period}: district {district} is not in the legacy list ({err})") from None
    if len(targets) != len(codes):
        name = legacy[(legacy["level"] == "district") & (legacy["code"] == district)]["name"].iloc[0]
        raise RemapError(f"{period}: district {district} ({name}) has {len(targets)} communes, the source district "
                         f"{source} has {len(codes)}: a copy needs a district with exactly {len(codes)} communes")
    return dict(zip(codes, targets))


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a raw CSV in the committed format, as text (nothing converted)."""
    if not path.is_file():
        raise RemapError(f"missing {path}")
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        raise RemapError(f"{path}: not in the committed format (BOM or \\r line endings)")
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    return header, rows


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    """Header and rows as the committed files are written (what pandas `to_csv` writes for text)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return unicodedata.normalize("NFC", out.getvalue()).encode("utf-8")
