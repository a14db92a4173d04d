"""What every report reads: the processed figures of one unit for one period, in its language.

`load` reads the processed tables (pipelines.core.catalog names them) and returns a
`ReportContext`; the section modules (narrative, sections, factsheet, charts) only format what it
holds. Every figure comes from the processed indicator table (numerator, denominator, factor),
never from text, and is formatted for the report's language by pipelines.core.formats.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.core import datasets, deployment, errors, formats, text
from pipelines.core.text import failure
from pipelines.indicators import catalogue, coverage, trends
from pipelines.units import reference, types
from pipelines.units.period import Period

EDITIONS = ("internal", "public")


def check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise text.failure(errors.UsageError, "report_data.unknown_edition", edition=edition, editions=", ".join(EDITIONS))
    return edition


class UnitNotInData(errors.UsageError):
    """The unit asked for is not covered by the period's processed data."""


class NotProcessed(errors.BaocaoError, FileNotFoundError):
    """A report asked for a period whose processed tables are not there yet."""


def read_indicators(folder: Path, period: Period) -> pd.DataFrame:
    path = datasets.in_folder(folder, datasets.INDICATORS)
    if not path.is_file():
        raise text.failure(NotProcessed, "report_data.not_processed", period=period, path=path)
    return pd.read_parquet(path)


def resolve_unit(unit: object, codes: list[str]) -> str:
    """The unit code as text. papermill's `-p unit 06847` arrives as the int 6847: pad it to a
    province (2), district (3) or commune (5) code and keep the one the period's data covers."""
    text = str(unit).strip()
    if text in codes:
        return text
    candidates = sorted({text.zfill(width) for width in (2, 3, 5)} & set(codes)) if text.isdigit() else []
    if len(candidates) != 1:
        raise failure(UnitNotInData, "report_data.unit_ambiguous" if candidates else "report_data.unit_not_in_data",
                      unit=text, codes=", ".join(sorted(codes)))
    return candidates[0]


def unit_name(name: str, lang: str = "vi", lower: bool = False) -> str:
    """A unit's name in `lang` ("Huyện Ba Chẽ" → "Ba Chẽ District"); `lower` gives the form used inside
    a sentence ("huyện Ba Chẽ"). The words are those of pipelines.units.reference.unit_name; the
    country, which no list names, is "Toàn quốc" / "Viet Nam" (locales: unit.national)."""
    if name == text.t("vi", "unit.national"):
        return text.t(lang, "unit.national" + (".lower" if lower else ""))
    return reference.unit_name(name, lang, "lower" if lower else "")


def _e(value: object) -> str:
    return html.escape(str(value))


@dataclass(frozen=True)
class ReportContext:
    period: Period
    level: str
    code: str
    name: str
    table: pd.DataFrame       # every indicator of every unit of the period
    aggregate_code: str      # the district (or province) the communes add up to
    trend: pd.DataFrame      # change on the previous period and progress status (pipelines.trends)
    history: pd.DataFrame    # every indicator of every period up to this one (`rebased` before a reform)
    lang: str = "vi"          # language of what the reader sees (pipelines.text)
    edition: str = "internal"  # internal: every count; public: small sensitive counts suppressed
    notes: str = ""           # what the dataset's own notes file says about it (raw/notes.yml), or ""
    processed: Path | None = None  # the period's processed folder the figures were read from
    members: tuple[str, ...] = ()  # a province of the national table: its communes (else: every commune)
    reporting: coverage.Reporting | None = None  # who reported, when the run recorded it (deadlines, units left out)

    @property
    def incomplete(self) -> bool:
        """Whether the report's own figures add up fewer units than expected: an aggregate of a run
        that left out units without data (pipelines.indicators.coverage)."""
        return self.level != "commune" and self.reporting is not None and not self.reporting.complete

    def incomplete_mark(self) -> str:
        """" (chưa đủ số liệu)" after a figure or caption of an incomplete aggregate, else ""."""
        return " " + self.t("coverage.incomplete") if self.incomplete else ""

    @property
    def year(self) -> int:
        return self.period.year

    def row(self, indicator_id: str, code: str | None = None) -> pd.Series:
        t = self.table
        return t[(t["indicator_id"] == indicator_id) & (t["unit_code"] == (code or self.code))].iloc[0]

    def value(self, indicator_id: str, code: str | None = None) -> float:
        return float(self.row(indicator_id, code)["value"])

    def t(self, key: str, **values: object) -> str:
        """The template `key` of the report's language, filled with `values` (pipelines.text)."""
        return text.t(self.lang, key, **values)

    def fmt(self, value: object, unit: str) -> str:
        return formats.value_with_unit(value, unit, self.lang)

    def show(self, indicator_id: str, code: str | None = None) -> str:
        """The formatted figure as HTML, kept on one line ("95,0 %" never breaks before "%")."""
        figure = self.fmt(self.value(indicator_id, code), catalogue.entries()[indicator_id].unit)
        return f'<span class="figure">{_e(figure)}</span>'

    def label(self, indicator_id: str, short: bool = False) -> str:
        """The indicator's name from the catalogue in the report's language; `short`: its short label
        (short_vi / short_en) where the catalogue has one."""
        ind = catalogue.entries()[indicator_id]
        name = getattr(ind, f"name_{self.lang}")
        return (getattr(ind, f"short_{self.lang}", None) or name) if short else name

    def unit_name(self, name: str | None = None, lower: bool = False) -> str:
        return unit_name(self.name if name is None else name, self.lang, lower)

    def type_word(self, name: str | None = None, level: str | None = None) -> types.Noun:
        """The type of the unit `name` of `level` (default: the report's own unit) in one word: "quận"."""
        return types.own_noun(self.lang, self.name if name is None else name, level or self.level)

    def communes_word(self, count: int = 2) -> types.Noun:
        """The word for the communes of the report as a set, plural by default: "phường", or "đơn vị
        cấp xã" when their types are mixed (pipelines.units.types.set_noun)."""
        return types.set_noun(self.lang, self.communes["unit_name"], "commune", count)

    def status_word(self, status: object) -> str:
        return "–" if pd.isna(status) or status not in trends.STATUSES else self.t(f"target_progress.{status}")

    def target_of(self, indicator_id: str, code: str | None = None) -> catalogue.Target | None:
        """The target the computation attached to the unit (national, or the deployment's local plan)."""
        row = self.row(indicator_id, code)
        if pd.isna(row["target"]):
            return None
        return catalogue.Target(int(row["target_year"]), float(row["target"]), str(row["target_comparison"]), "")

    def target(self, indicator_id: str, compact: bool = False) -> str:
        """`mục tiêu năm 2025: dưới 6,5 %` (compact, for a fact sheet's table: `dưới 6,5 % (2025)`): the
        target in force for the period, or ""."""
        ind = catalogue.entries()[indicator_id]
        target = self.target_of(indicator_id)
        if target is None:
            return ""
        key = ("target.compact." if compact else "target.") + ("below" if target.comparison == "<" else "at_least")
        return self.t(key, year=target.year, value=_e(self.fmt(target.value, ind.unit)))

    @property
    def aggregate(self) -> pd.Series:
        """The first row of the district (or province) the communes add up to: its name and level."""
        return self.table[self.table["unit_code"] == self.aggregate_code].iloc[0]

    @property
    def communes(self) -> pd.DataFrame:
        """The communes of the report's unit (of the whole table, except for a province's sheet)."""
        t = self.table
        rows = t[t["level"] == "commune"]
        if self.members:
            rows = rows[rows["unit_code"].isin(list(self.members))]
        return rows[["unit_code", "unit_name"]].drop_duplicates().sort_values("unit_code")

    @property
    def peer_level(self) -> str:
        """The level of the units the aggregate is broken down into in tables, charts and ranks: the
        provinces of the country (issue 20, the one unit without a code), else the communes of a
        district or province."""
        return "province" if self.aggregate_code == "" else "commune"

    @property
    def peers(self) -> pd.DataFrame:
        """The units of `peer_level` in the table (unit_code, unit_name), by code."""
        t = self.table
        return t[t["level"] == self.peer_level][["unit_code", "unit_name"]].drop_duplicates().sort_values("unit_code")

    def peers_word(self, count: int = 2) -> types.Noun:
        """The word for the peers as a set ("xã", "tỉnh", or "đơn vị cấp tỉnh" when mixed)."""
        return types.set_noun(self.lang, self.peers["unit_name"], self.peer_level, count)

    @property
    def is_sheet(self) -> bool:
        """A fact sheet's unit: one of the peers (a commune; a province of the country)."""
        return self.level == self.peer_level


def load(period: object, unit: object, data_dir: Path | str = "data", lang: str = "vi",
         edition: str = "internal", processed_dir: Path | str = "") -> ReportContext:
    """Everything a report on `unit` for `period` needs, read through pipelines. `processed_dir`:
    the period's processed folder when it is not the published one (`baocao run` renders from the
    folder it is about to publish); empty for `<data_dir>/processed/<period>`."""
    period = Period.parse(period)  # a notebook parameter: text, or the int papermill makes of 2024
    folder = Path(processed_dir) if str(processed_dir) else datasets.processed_dir(data_dir, period)
    table = read_indicators(folder, period)
    codes = sorted(set(table["unit_code"]))
    aggregate = table[table["level"] != "commune"]["unit_code"].iloc[0]
    code = resolve_unit(unit, codes) if str(unit).strip() else str(aggregate)  # "": the run's own unit
    own = table[table["unit_code"] == code].iloc[0]
    trend = pd.read_parquet(datasets.in_folder(folder, datasets.TRENDS))
    history = pd.read_parquet(datasets.in_folder(folder, datasets.HISTORY))
    check_edition(edition)
    members = ()
    if own["level"] == "province" and (table.loc[table["unit_code"] == aggregate, "level"] == "national").any():
        members = tuple(reference.communes_of(period, code, "province")["code"])  # the province's communes
    return ReportContext(period, str(own["level"]), code, str(own["unit_name"]), table, str(aggregate), trend,
                         history, text.check_lang(lang), edition, deployment.dataset_notes(data_dir, lang), folder,
                         members, coverage.read(folder))


def report_date(period: Period, date: str = "") -> dt.date:
    """The date on the report: given as YYYY-MM-DD, or by default the 5th day after the period
    ends (a fixed date, so the same inputs always give the same report)."""
    return dt.date.fromisoformat(date) if date else period.end + dt.timedelta(days=5)


def css_class(ctx: ReportContext, *names: str) -> str:
    """The class attribute of a part of the report: `names`, plus "factsheet" in a commune's fact
    sheet (report.css sets it smaller so that it fits two pages); "" without any."""
    names = (*names, "factsheet") if ctx.is_sheet else names
    return f' class="{" ".join(names)}"' if names else ""
