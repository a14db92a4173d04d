"""ADX (IHE Aggregate Data Exchange): the period's values as XML in the `urn:ihe:qrph:adx:2015` namespace.

One `group` per organisation unit (its `orgUnit`, the `period` as an ISO 8601 start and duration:
`2024-01-01/P1Y`, `2024-01-01/P6M`, `2024-07-01/P3M`, and the mapping's `dataSet`), one `dataValue`
per indicator (`dataElement`, `value`), with an `annotation` carrying the numerator, denominator,
completeness and target as the DHIS2 comment does. Identifiers come from the same settings as DHIS2
(pipelines.publish.exports.dhis2.Mapping). `exported` is the period's end, not the clock: a rerun
writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import quoteattr, escape

from pipelines.publish.exports import periods
from pipelines.publish.exports.dhis2 import Mapping, comment
from pipelines.publish.exports.rows import Rows, number

NAMESPACE = "urn:ihe:qrph:adx:2015"
FILE = "indicators.adx.xml"


def write(rows: Rows) -> dict[str, bytes]:
    mapping, period = Mapping.of(rows), periods.adx(rows.period)
    exported = dt.datetime.combine(rows.period.end, dt.time(), dt.timezone.utc).isoformat().replace("+00:00", "Z")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<adx xmlns="{NAMESPACE}" exported="{exported}">']
    table = rows.table
    for unit in sorted(dict.fromkeys(table["unit_code"])):
        lines.append(f"  <group orgUnit={quoteattr(mapping.org_unit(unit))} period={quoteattr(period)} "
                     f"dataSet={quoteattr(mapping.data_set)}>")
        for row in table[table["unit_code"] == unit].itertuples(index=False):
            note = comment(row)
            head = f"    <dataValue dataElement={quoteattr(mapping.data_elements[row.indicator_id])} " \
                   f"value={quoteattr(number(row.value))}"
            lines.append(f"{head}><annotation>{escape(note)}</annotation></dataValue>" if note else f"{head}/>")
        lines.append("  </group>")
    lines.append("</adx>")
    return {FILE: ("\n".join(lines) + "\n").encode("utf-8")}
