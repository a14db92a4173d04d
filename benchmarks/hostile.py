"""The hostile files of issue 18 ("One small file exhausts the machine"), each made in a temporary
folder and given to the command that once ran out of memory on it; prints, per file, the exit
status, the lines on stderr, whether the command's log was written, the wall time and the peak
resident memory, as rows of benchmarks/README.md's table. Target: each refused in < 60 s, < 2 GiB.

Why Python and not /usr/bin/time: the files are made with the product's own template and openpyxl,
and `os.wait4` gives the peak resident set of exactly the one command (GNU time is a Debian package
a fresh machine may lack). Public tools only: the venv's Python, nothing else.

Usage: .venv/bin/python benchmarks/hostile.py [--at-limits] [--keep]
`--at-limits` adds files just within the default limits (`at_limits`): the limits are only worth
their name if what they let through is bounded too.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PERIOD, CODE = "2024", "06847"
LIMIT_S, LIMIT_MIB = 60, 2048


def deployment(work: Path, name: str) -> Path:
    """A fresh data folder with the sample's 2024 raw forms and settings."""
    data = work / name / "data"
    shutil.copytree(REPO / "data" / "raw" / PERIOD, data / "raw" / PERIOD)
    shutil.copy2(REPO / "data" / "baocao.yml", data / "baocao.yml")
    return data


def far_cell_workbook(work: Path) -> Path:
    """`baocao template` with one value written at XFD1048576 of its first form sheet (about 20 KB)."""
    from openpyxl import load_workbook

    made = work / "bieu-mau.xlsx"
    subprocess.run([sys.executable, "-m", "pipelines", "template", "--period", PERIOD, "--unit", CODE, "--out", made,
                    "--data-dir", work],  # its log goes there, not into the repository's data/
                   check=True, capture_output=True, cwd=REPO)
    book = load_workbook(made)
    book.worksheets[1]["XFD1048576"] = 1
    hostile = work / f"bao-cao-{CODE}.xlsx"
    book.save(hostile)
    return hostile


def garbage(path: Path, size: int = 200 * 10**6) -> Path:
    """`size` bytes of plain garbage lines (base64 of random bytes, 76 characters a line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        while out.tell() < size:
            out.write(base64.encodebytes(os.urandom(3 * 2**20)))
    return path


def wide_form(data: Path, extra: int) -> Path:
    """The sample's population.csv with `extra` more columns (empty on every row)."""
    form = data / "raw" / PERIOD / "population.csv"
    header, *rows = form.read_text(encoding="utf-8").splitlines()
    form.write_text("\n".join([header + "".join(f",extra_{n:05}" for n in range(extra))]
                              + [row + "," * extra for row in rows]) + "\n", encoding="utf-8")
    return form


def cells_csv(path: Path, rows: int, columns: int, header: str | None = None) -> Path:
    """A CSV of `rows` lines of `columns` two-letter cells (after `header`, when given): as many
    cells as the cell limit allows, each a string of its own in every parse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = ",".join(["ab"] * columns) + "\n"
    with open(path, "w", encoding="utf-8") as out:
        out.write(header + "\n" if header else line)
        for _ in range(rows - 1):
            out.write(line)
    return path


def filled_workbook(path: Path, rows: int, columns: int) -> Path:
    """A workbook whose first form sheet holds a number in each of `rows` × `columns` cells, written
    as its XML directly (openpyxl would take minutes and gigabytes to write it)."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(j) for j in range(1, columns + 1)]
    sheet = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>']
    for r in range(1, rows + 1):
        sheet.append(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters) + "</row>")
    sheet.append("</sheetData></worksheet>")
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                      'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                      'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                      'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                      'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                      '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        book.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                      f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                      'Target="xl/workbook.xml"/></Relationships>')
        book.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                      '<sheet name="population" sheetId="1" r:id="rId1"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                      f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
                      'Target="worksheets/sheet1.xml"/></Relationships>')
        book.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
    return path


def measured(data: Path, *args) -> dict:
    """Run `baocao *args --data-dir data`; exit status, stderr lines, log written, wall s, peak MiB."""
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "pipelines", *map(str, args), "--data-dir", str(data)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    err = io.BytesIO()
    for chunk in iter(lambda: process.stderr.read(65536), b""):
        err.write(chunk)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    lines = err.getvalue().decode("utf-8", "replace").splitlines()
    return {"status": process.returncode, "lines": lines, "log": any((data / "logs").glob(f"{PERIOD}-*.log")),
            "wall": wall, "mib": usage.ru_maxrss / 1024}


def at_limits(work: Path, garbage_file: Path) -> list[tuple[str, dict]]:
    """Files just within the default limits (bytes, cells, extra rows): what the limits let through
    must still cost under a minute and 2 GiB."""
    from pipelines.intake import limits

    bound, cases = limits.limits(), []
    under = work / "inbox-limits" / "population.csv"
    under.parent.mkdir(parents=True)
    with open(garbage_file, "rb") as source, open(under, "wb") as out:
        out.write(source.read(bound.file_bytes - 100).rpartition(b"\n")[0] + b"\n")
    data = deployment(work, "limits-bytes-ingest")
    cases.append((f"ingest: {under.stat().st_size / 2**20:.0f} MiB of garbage lines (under the byte limit)",
                  measured(data, "ingest", "--period", PERIOD, under)))
    data = deployment(work, "limits-bytes-validate")
    shutil.copy2(under, data / "raw" / PERIOD / "population.csv")
    cases.append(("validate: the same as the raw population.csv", measured(data, "validate", "--period", PERIOD)))
    columns = bound.columns - 1
    rows = bound.cells // (columns + 1) - 10  # every delimiter counted: just under the cell limit
    data = deployment(work, "limits-cells-ingest")
    sent = cells_csv(work / "inbox-cells" / "population.csv", rows, columns)
    cases.append((f"ingest: a CSV of {rows:,} lines × {columns} cells (under the cell limit)",
                  measured(data, "ingest", "--period", PERIOD, sent)))
    data = deployment(work, "limits-cells-validate")
    header = (REPO / "data" / "raw" / PERIOD / "population.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    width = header.count(",") + 1
    rows = bound.cells // width - 10
    cells_csv(data / "raw" / PERIOD / "population.csv", rows, width, header)
    cases.append((f"validate: the raw population.csv with its header and {rows:,} rows of bad cells (under the cell limit, over the extra-row limit)",
                  measured(data, "validate", "--period", PERIOD)))
    data = deployment(work, "limits-extra-rows")
    rows = 14 + bound.extra_rows - 10  # the sample district: 7 communes × 2 values of sex, then the extra rows
    cells_csv(data / "raw" / PERIOD / "population.csv", rows, width, header)
    cases.append((f"validate: the raw population.csv with its header and {rows:,} rows of bad cells (under the "
                  "extra-row limit: every rule runs)", measured(data, "validate", "--period", PERIOD)))
    data = deployment(work, "limits-workbook")
    columns = 15
    book = filled_workbook(work / "inbox-book" / "population.xlsx", bound.cells // columns - 10, columns) if (
        work / "inbox-book").mkdir() is None else None
    cases.append((f"ingest: a workbook of {bound.cells // columns - 10:,} rows × {columns} filled cells "
                  f"({book.stat().st_size / 2**20:.0f} MiB; under the cell limit)",
                  measured(data, "ingest", "--period", PERIOD, book)))
    return cases


def main() -> int:
    keep = "--keep" in sys.argv
    work = Path(tempfile.mkdtemp(prefix="baocao-hostile-"))
    cases = []
    try:
        data = deployment(work, "xfd")
        hostile = far_cell_workbook(work)
        cases.append((f"ingest: the template ({hostile.stat().st_size / 1000:.0f} KB) with one value at XFD1048576",
                      measured(data, "ingest", "--period", PERIOD, hostile)))
        data = deployment(work, "garbage-ingest")
        sent = garbage(work / "inbox" / "population.csv")
        cases.append(("ingest: 200 MB of garbage lines as population.csv", measured(data, "ingest", "--period", PERIOD, sent)))
        data = deployment(work, "garbage-validate")
        shutil.copy2(sent, data / "raw" / PERIOD / "population.csv")
        cases.append(("validate: 200 MB of garbage lines as the raw population.csv",
                      measured(data, "validate", "--period", PERIOD)))
        data = deployment(work, "columns-10000")
        wide_form(data, 10_000)
        cases.append(("validate: a raw form with 10,000 more columns", measured(data, "validate", "--period", PERIOD)))
        data = deployment(work, "columns-150")
        wide_form(data, 150)
        cases.append(("validate: a raw form with 150 more columns (within the column limit)",
                      measured(data, "validate", "--period", PERIOD)))
        if "--at-limits" in sys.argv:
            cases += at_limits(work, sent)
    finally:
        if keep:
            print(f"files kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work)
    print("| hostile file | exit | stderr lines | log | wall | peak RSS | first stderr line |")
    print("|---|---|---|---|---|---|---|")
    ok = True
    for what, got in cases:
        first = got["lines"][0] if got["lines"] else ""
        print(f"| {what} | {got['status']} | {len(got['lines'])} | {'yes' if got['log'] else 'no'} | "
              f"{got['wall']:.2f} s | {got['mib']:.0f} MiB | {first[:160]} |")
        ok &= got["status"] == 2 and got["log"] and got["wall"] < LIMIT_S and got["mib"] < LIMIT_MIB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
