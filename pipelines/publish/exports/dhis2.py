"""DHIS2 `dataValueSets`, as JSON and as CSV, with the deployment's identifiers.

DHIS2 knows its own data elements, category option combos and organisation units, not our catalogue
ids: the deployment names them in `baocao.yml` (`Mapping`, read here and used by ADX too) and the
file is imported with `idScheme=CODE` (try `dryRun=true` first). Each value is one `dataValue`:
`dataElement`, `period` (`2024`, `2024S1`, `2024Q3`), `orgUnit`, `categoryOptionCombo` (the
mapping's code for `total`: the exports carry totals; omitted when the mapping has none, and DHIS2
takes its default), `attributeOptionCombo` (when set), `value` (text, as DHIS2 stores it) and
`comment`, which carries what DHIS2 has no field for: `numerator=…;denominator=…;completeness=…;
target=…` (the target with its comparison and year, `>=98.5@2025`).

An indicator of the export without a data element is refused, in one line naming it: a value sent
under a guessed identifier would land on the wrong figure.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from pipelines.core import errors
from pipelines.core.text import failure
from pipelines.publish.exports import periods
from pipelines.publish.exports.rows import Rows, number

JSON, CSV = "indicators.dhis2.json", "indicators.dhis2.csv"
CSV_COLUMNS = ["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value",
               "storedby", "lastupdated", "comment", "followup"]  # DHIS2's CSV import, in its order
KEYS = {"data_elements", "category_option_combos", "attribute_option_combo", "org_units", "data_set"}


class MappingError(errors.UsageError):
    """DHIS2 or ADX identifiers the settings do not give."""


@dataclass(frozen=True)
class Mapping:
    """`exchange: dhis2:` of baocao.yml."""
    data_elements: dict[str, str]       # indicator id → data element code
    combos: dict[str, str]              # breakdown ("total") → category option combo code
    attribute_combo: str                # attribute option combo code, "" for none
    org_units: dict[str, str] | None    # official code → DHIS2 code; None: the official code itself
    data_set: str                       # ADX `dataSet` of every group

    @classmethod
    def of(cls, rows: Rows) -> "Mapping":
        spec = (rows.exchange or {}).get("dhis2") or {}
        if not isinstance(spec, dict) or set(spec) - KEYS:
            raise failure(MappingError, "exchange.mapping_keys", keys=", ".join(sorted(KEYS)))
        units = spec.get("org_units", "code")
        elements = {str(k): str(v) for k, v in (spec.get("data_elements") or {}).items()}
        missing = [name for name in dict.fromkeys(rows.table["indicator_id"]) if not elements.get(name)]
        if missing:
            raise failure(MappingError, "exchange.no_data_element", indicators=", ".join(missing))
        return cls(elements, {str(k): str(v) for k, v in (spec.get("category_option_combos") or {}).items()},
                   str(spec.get("attribute_option_combo") or ""),
                   None if units == "code" else {str(k): str(v) for k, v in dict(units).items()},
                   str(spec.get("data_set") or "BAOCAO_CHILDREN"))

    def org_unit(self, code: str) -> str:
        if self.org_units is None:
            return code
        if code not in self.org_units:
            raise failure(MappingError, "exchange.no_org_unit", unit=code)
        return self.org_units[code]


def comment(row) -> str:
    """`numerator=8824;denominator=9292;completeness=100;target=>=98.5@2025`: the parts present."""
    parts = [("numerator", number(row.numerator)), ("denominator", number(row.denominator)),
             ("completeness", number(row.completeness))]
    if number(row.target):
        parts.append(("target", f"{row.target_comparison}{number(row.target)}@{number(row.target_year)}"))
    return ";".join(f"{name}={value}" for name, value in parts if value)


def data_values(rows: Rows) -> list[dict[str, str]]:
    """Every value as a DHIS2 dataValue, in the rows' order."""
    mapping, period = Mapping.of(rows), periods.dhis2(rows.period)
    combo = mapping.combos.get("total", "")
    found = []
    for row in rows.table.itertuples(index=False):
        value = {"dataElement": mapping.data_elements[row.indicator_id], "period": period,
                 "orgUnit": mapping.org_unit(row.unit_code)}
        if combo:
            value["categoryOptionCombo"] = combo
        if mapping.attribute_combo:
            value["attributeOptionCombo"] = mapping.attribute_combo
        value["value"] = number(row.value)
        value["comment"] = comment(row)
        found.append(value)
    return found


def write_json(rows: Rows) -> dict[str, bytes]:
    text = json.dumps({"dataValues": data_values(rows)}, indent=1, ensure_ascii=False) + "\n"
    return {JSON: text.encode("utf-8")}


def write_csv(rows: Rows) -> dict[str, bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for value in data_values(rows):
        writer.writerow([value["dataElement"], value["period"], value["orgUnit"], value.get("categoryOptionCombo", ""),
                         value.get("attributeOptionCombo", ""), value["value"], "", "", value["comment"], "false"])
    return {CSV: out.getvalue().encode("utf-8")}
