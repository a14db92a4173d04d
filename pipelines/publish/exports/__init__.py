"""Data that travels: a period's indicator values in the formats statistics offices and DHIS2 load.

Formats (`WRITERS`, a name → writer registry the command line extends): SDMX-CSV 2.0 and SDMX-ML 2.1
(structure-specific data, with the structure message: codelists, concept scheme, data structure
definition and dataflow, made with pysdmx so a receiver can validate), DHIS2 `dataValueSets` as JSON
and CSV, and ADX (IHE). Each writer takes the `Rows` of one period, scope and edition
(pipelines.publish.exports.rows) and returns {file name: bytes}: no clock, no random id, so the same
processed data give the same bytes.

Where they go, and why there: exports are published with the period, in the tree of their edition
(`<reports>/<period>/exports/`, `<public>/<period>/exports/`), and hashed in its manifest. The run
itself writes the formats the deployment lists (`exchange: formats:` in baocao.yml) while it builds
(pipelines.publish.build, through `stage`), and the manifest records which (`exports`), so that
`baocao verify` rebuilds them like any report and a later run keeps them. `baocao export` on a
published period writes the same bytes from the published processed data into the same place and
records them in the manifest through the same code (pipelines.publish.exports.publish), as
[format, edition, language] (`entry`: the language of the SDMX structure's names), so a format
asked once on the command line is from then on made by every run and checked by every verify; with
`--out DIR` it writes into DIR only and touches nothing published.
"""

from __future__ import annotations

from pipelines.publish.exports import adx, dhis2, sdmx

# format name → writer(Rows) → {file name: bytes}
WRITERS = {
    "sdmx-csv": sdmx.write_csv,
    "sdmx-ml": sdmx.write_ml,
    "dhis2-json": dhis2.write_json,
    "dhis2-csv": dhis2.write_csv,
    "adx": adx.write,
}
EDITIONS = ("internal", "public")
# Formats whose files carry names in a language (the SDMX structure message): made once per language.
# The others carry codes only, and their record's language is "".
WORDED = {"sdmx-csv", "sdmx-ml"}


def entry(name: str, edition: str, lang: str = "vi") -> tuple[str, str, str]:
    """How one export is recorded in the manifest (`exports`): (format, edition, language or "").
    An entry of two items (written before languages were recorded) is a Vietnamese one."""
    return name, edition, ((lang or "vi") if name in WORDED else "")
