"""SDMX: the period's values as SDMX-CSV 2.0 and SDMX-ML 2.1, with the structure to validate them.

Made with pysdmx (BIS), the best-kept Python library for SDMX, so that what we write is what an SDMX
reader expects: the structure message holds the codelists (indicators from the catalogue, areas
from the unit list in force at the period's end, units of measure), the concept scheme, the data
structure definition and the dataflow. Dimensions INDICATOR, REF_AREA (the unit's official code),
TIME_PERIOD (`2024`, `2024-S1`, `2024-Q3`); measure OBS_VALUE; attributes at observation level
UNIT_MEASURE, NUMERATOR, DENOMINATOR, COMPLETENESS (percent of the communes expected that reported),
TARGET, TARGET_YEAR, TARGET_COMPARISON. The header's id and time are the scope's, the period's and
its end date's, never the clock's, so a rerun writes the same bytes.

Names: pysdmx 1.21 takes one name per item and labels it `xml:lang="en"`, so the structure message
is in one language, the export's (`Rows.lang`, `baocao export --lang`): the indicators by the
catalogue's title in it (`name_vi`, `name_en`), the code lists, concepts and units of measure from
the locale store (pipelines/locales/*/exchange.yml), and every `xml:lang` set to that language. The
areas keep their official Vietnamese names in both (proper names, as the unit list writes them). A
structure other than Vietnamese has its own file (`structure.en.sdmx.xml`), so both can be published.

pysdmx 1.21 reads SDMX-CSV with pandas' type guessing: a code of digits with a leading zero (the
commune 06838) comes back as 6838; SDMX-ML keeps it. A receiver reading our CSV with pysdmx should
read REF_AREA against the codelist (tests/test_exports.py shows how).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pysdmx.io import write_sdmx
from pysdmx.io.format import Format
from pysdmx.io.pd import PandasDataset
from pysdmx.model import Code, Codelist, Concept, ConceptScheme, DataType, Organisation
from pysdmx.model.dataflow import Component, Components, DataStructureDefinition, Dataflow, Role, Schema
from pysdmx.model.message import Header

from pipelines.core.text import t
from pipelines.indicators import catalogue
from pipelines.publish.exports import periods
from pipelines.publish.exports.rows import Rows

AGENCY, VERSION = "BAOCAO", "1.0"
FLOW, DSD, CONCEPTS = "DF_CHILDREN", "DSD_CHILDREN", "CS_CHILDREN"
DATA_CSV, DATA_ML, STRUCTURE = "indicators.sdmx.csv", "indicators.sdmx.xml", "structure.sdmx.xml"
# The catalogue's units of measure → codes of CL_UNIT_MEASURE (names: exchange.unit.<code> in the locale store).
UNITS = {"trẻ": "PERSONS", "hồ sơ": "CASES", "đồng": "VND", "%": "PT", "‰": "PER_1000", "/100.000": "PER_100000"}


def structure_file(lang: str) -> str:
    """`structure.sdmx.xml` for Vietnamese, `structure.en.sdmx.xml` for English."""
    return STRUCTURE if lang in ("vi", "") else STRUCTURE.replace(".sdmx", f".{lang}.sdmx")


def _lang(rows: Rows) -> str:
    return rows.lang or "vi"


def indicator_code(indicator_id: str) -> str:
    """The INDICATOR code of a catalogue entry: its id in capitals (children_under_16 → CHILDREN_UNDER_16)."""
    return indicator_id.upper()


def _urn(concept: str) -> str:
    return f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={AGENCY}:{CONCEPTS}({VERSION}).{concept}"


def _codelist(name: str, title: str, codes: list[tuple[str, str]]) -> Codelist:
    return Codelist(id=name, agency=AGENCY, version=VERSION, name=title,
                    items=[Code(id=code, name=label) for code, label in codes])


def codelists(rows: Rows) -> tuple[Codelist, Codelist, Codelist]:
    """(indicators, areas, units of measure): every catalogue entry by its title in the export's
    language; every unit the export holds, by its official code and official name in the list in
    force; every unit of measure of the catalogue."""
    lang = _lang(rows)
    entries = catalogue.entries().values()
    areas = rows.table[["unit_code", "unit_name"]].drop_duplicates("unit_code").sort_values("unit_code")
    return (_codelist("CL_INDICATOR", t(lang, "exchange.sdmx.indicators"),
                      [(indicator_code(e.id), e.name_en if lang == "en" else e.name_vi) for e in entries]),
            _codelist("CL_AREA", t(lang, "exchange.sdmx.areas"), list(zip(areas["unit_code"], areas["unit_name"]))),
            _codelist("CL_UNIT_MEASURE", t(lang, "exchange.sdmx.units"),
                      [(code, t(lang, f"exchange.unit.{code}")) for code in sorted(set(UNITS.values()))]))


def components(rows: Rows) -> Components:
    indicators, areas, units = codelists(rows)

    def part(name: str, role: Role, dtype: DataType, codes: Codelist | None = None, required: bool = False) -> Component:
        concept = Concept(id=name, name=t(_lang(rows), f"exchange.concept.{name}"), urn=_urn(name))
        return Component(id=name, required=required, role=role, concept=concept,
                         local_dtype=dtype, local_codes=codes, attachment_level="O" if role == Role.ATTRIBUTE else None)

    return Components([
        part("INDICATOR", Role.DIMENSION, DataType.STRING, indicators, True),
        part("REF_AREA", Role.DIMENSION, DataType.STRING, areas, True),
        part("TIME_PERIOD", Role.DIMENSION, DataType.PERIOD, None, True),
        part("OBS_VALUE", Role.MEASURE, DataType.DOUBLE),
        part("UNIT_MEASURE", Role.ATTRIBUTE, DataType.STRING, units, True),
        part("NUMERATOR", Role.ATTRIBUTE, DataType.INTEGER),
        part("DENOMINATOR", Role.ATTRIBUTE, DataType.INTEGER),
        part("COMPLETENESS", Role.ATTRIBUTE, DataType.DOUBLE),
        part("TARGET", Role.ATTRIBUTE, DataType.DOUBLE),
        part("TARGET_YEAR", Role.ATTRIBUTE, DataType.INTEGER),
        part("TARGET_COMPARISON", Role.ATTRIBUTE, DataType.STRING),
    ])


def _header(rows: Rows, what: str) -> Header:
    scope = str(rows.scope).replace(":", "-")
    prepared = dt.datetime.combine(rows.period.end, dt.time(), dt.timezone.utc)
    return Header(id=f"{AGENCY}-{what}-{scope}-{rows.period}-{rows.edition}", prepared=prepared,
                  sender=Organisation(id=AGENCY), test=False)


def structure(rows: Rows) -> str:
    """The SDMX-ML 2.1 structure message: codelists, concept scheme, DSD and dataflow, in the
    export's language (pysdmx labels every name `en`: the label is set to the language written)."""
    lang, parts = _lang(rows), components(rows)
    concepts = ConceptScheme(id=CONCEPTS, agency=AGENCY, version=VERSION, name=t(lang, "exchange.sdmx.concepts"),
                             items=[component.concept for component in parts])
    dsd = DataStructureDefinition(id=DSD, agency=AGENCY, version=VERSION, name=t(lang, "exchange.sdmx.dsd"),
                                  components=parts)
    flow = Dataflow(id=FLOW, agency=AGENCY, version=VERSION, name=t(lang, "exchange.sdmx.flow"), structure=dsd)
    text = write_sdmx([*codelists(rows), concepts, dsd, flow], Format.STRUCTURE_SDMX_ML_2_1,
                      header=_header(rows, "STRUCTURE"))
    # names are escaped by pysdmx (no `>` of a name survives), so this only meets pysdmx's own tags
    return text.replace('xml:lang="en">', f'xml:lang="{lang}">')


def frame(rows: Rows) -> pd.DataFrame:
    """One row per observation, columns named as the components; missing attributes are None."""
    table = rows.table

    def plain(column: str, kind) -> list:
        return [None if pd.isna(v) else kind(v) for v in table[column]]

    data = {"INDICATOR": [indicator_code(name) for name in table["indicator_id"]],
            "REF_AREA": list(table["unit_code"]), "TIME_PERIOD": [periods.sdmx(rows.period)] * len(table),
            "OBS_VALUE": plain("value", float), "UNIT_MEASURE": [UNITS[unit] for unit in table["unit"]],
            "NUMERATOR": plain("numerator", int), "DENOMINATOR": plain("denominator", int),
            "COMPLETENESS": plain("completeness", float), "TARGET": plain("target", float),
            "TARGET_YEAR": plain("target_year", int), "TARGET_COMPARISON": plain("target_comparison", str)}
    return pd.DataFrame(data, dtype=object)


def dataset(rows: Rows) -> PandasDataset:
    schema = Schema(context="dataflow", agency=AGENCY, id=FLOW, version=VERSION, components=components(rows))
    return PandasDataset(structure=schema, data=frame(rows))


def write_csv(rows: Rows) -> dict[str, bytes]:
    """SDMX-CSV 2.0 data and the structure message."""
    data = write_sdmx(dataset(rows), Format.DATA_SDMX_CSV_2_0_0)
    return {DATA_CSV: data.encode("utf-8"), structure_file(rows.lang): structure(rows).encode("utf-8")}


def write_ml(rows: Rows) -> dict[str, bytes]:
    """SDMX-ML 2.1 structure-specific data (all dimensions at observation) and the structure message."""
    data = write_sdmx(dataset(rows), Format.DATA_SDMX_ML_2_1_STR, header=_header(rows, "DATA"))
    return {DATA_ML: data.encode("utf-8"), structure_file(rows.lang): structure(rows).encode("utf-8")}
