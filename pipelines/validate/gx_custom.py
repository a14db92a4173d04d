"""Our own Great Expectations (GX 1.x) expectations, for rules no built-in expectation states.

Each is a GX expectation like any other: a metric provider computes the metric, the expectation
class is registered by GX when the class is defined (GX names it by snake-casing the class name),
and the suites in `expectations/*.json` use it by that name. Import this module after GX (done by
`validation._gx`) and before a suite is built.

- `expect_multicolumn_total_to_equal_sum_of_parts` (multicolumn map): per row, the `total_column`
  equals the sum of the other columns of `column_list` (children_under_16 = under_6 + 6_to_10 + 11_to_15).
- `expect_column_pair_values_to_match_official_name` (column pair map): per row, the name in
  `column_B` is the official name of the code in `column_A` (`names`: code → name), compared in
  Unicode NFC; a code not in `names` is left to the code-list rule.
- `expect_table_to_have_full_grid` (batch): every code of `key_values` (the communes of the unit)
  has a row, and, when a `breakdown_column` is given, a row for every code of `breakdown_values`.
  The observed value is the list of missing [code, breakdown code] pairs (breakdown None for a
  commune with no row at all).

The commune list and names may be given as text, one commune a line (`names`: code, tab, name;
`key_values`: codes), which is how validation passes them (suite parameters `commune_names` and
`commune_list`): GX copies, checks and serialises every argument of an expectation many times while
validating, one Python step per item of a list or dict, and for the 10,035 communes of the country
that cost seconds per form; a text is one item (issue 12).
"""

from __future__ import annotations

import unicodedata
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, ClassVar, Dict, List, Optional, Tuple, Union

import pandas as pd
from great_expectations.compatibility import pydantic
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    BatchExpectation,
    ColumnPairMapExpectation,
    MulticolumnMapExpectation,
)
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.column_pair_condition_partial import (
    column_pair_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer

from pipelines.core.errors import UsageError
from pipelines.core.text import failure, t

_META = {"maturity": "experimental", "tags": ["baocao"], "contributors": ["baocao"]}
# The language the validation page is rendered in (set by gx_page.validation_page): GX calls a rule's
# description renderer with no way to pass it.
PAGE_LANG: ContextVar[str] = ContextVar("page_lang", default="vi")


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _joined(values) -> str:
    return ", ".join(map(str, _codes(values)))


@lru_cache(maxsize=16)
def _lines(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()


def _codes(values) -> list[str]:
    """`key_values` as a list of codes: given as a list, or as text with one code a line."""
    return list(_lines(values)) if isinstance(values, str) else [str(c) for c in values or []]


@lru_cache(maxsize=16)
def _table(text: str) -> dict[str, str]:
    return {code: _nfc(name) for code, _, name in (line.partition("\t") for line in _lines(text))}


def _names(names) -> dict[str, str]:
    """`names` as code → name in NFC: given as a dict, or as text with `code<TAB>name` a line."""
    if isinstance(names, str):
        return _table(names)
    return {str(k): _nfc(v) for k, v in (names or {}).items()}


def _describe(describe):
    """A prescriptive renderer for the validation page: one sentence in the page's language
    (`PAGE_LANG`) built from the kwargs by `describe(kwargs, lang)` (GX's fallback would print every
    kwarg, such as the list of names)."""
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None):
        config = configuration or (result.expectation_config if result else None)
        text = describe(dict(config.kwargs) if config else {}, PAGE_LANG.get()).replace("$", "")
        return [RenderedStringTemplateContent(content_block_type="string_template",
                                              string_template={"template": text, "params": {}})]
    return classmethod(_prescriptive_renderer)


# Totals --------------------------------------------------------------------------------------------


class MulticolumnTotalEqualsSumOfParts(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.total_equals_sum_of_parts"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    condition_value_keys = ("total_column",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, **kwargs):
        total = kwargs["total_column"]
        parts = [c for c in column_list.columns if c != total]
        return column_list[total] == column_list[parts].sum(axis=1, skipna=False)


class ExpectMulticolumnTotalToEqualSumOfParts(MulticolumnMapExpectation):
    """Per row, `total_column` equals the sum of the other columns of `column_list`."""

    total_column: str
    library_metadata: ClassVar[Dict[str, Any]] = _META
    map_metric = "multicolumn_values.total_equals_sum_of_parts"
    success_keys = ("mostly", "total_column")
    args_keys = ("column_list", "total_column")
    _prescriptive_renderer = _describe(lambda kw, lang: t(lang, "gx_page.rule_total", total=kw.get("total_column"),
                                                          parts=" + ".join(c for c in kw.get("column_list") or []
                                                                           if c != kw.get("total_column"))))

    @pydantic.root_validator(skip_on_failure=True)
    def _total_in_list(cls, values: dict) -> dict:
        if values.get("total_column") not in (values.get("column_list") or []):
            raise failure(UsageError, "checks.total_not_listed")
        return values


# Official names ------------------------------------------------------------------------------------


class ColumnPairValuesMatchOfficialName(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.match_official_name"
    condition_domain_keys = ("batch_id", "table", "column_A", "column_B", "row_condition", "condition_parser",
                             "ignore_row_if")
    condition_value_keys = ("names",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **kwargs):
        names = _names(kwargs.get("names"))
        expected = [names.get(str(a)) for a in column_A.tolist()]
        # a name equal to the official one (NFC) is NFC: normalise only the others
        ok = [e is None or b == e or _nfc(b) == e for b, e in zip(column_B.tolist(), expected)]
        return pd.Series(ok, index=column_A.index, dtype=bool)


class ExpectColumnPairValuesToMatchOfficialName(ColumnPairMapExpectation):
    """Per row, column_B (a name) is the official name of the code in column_A, compared in NFC."""

    names: Union[str, Dict[str, str], SuiteParameterDict]
    ignore_row_if: str = "either_value_is_missing"  # a blank code or name is the not-null rule's
    library_metadata: ClassVar[Dict[str, Any]] = _META
    map_metric = "column_pair_values.match_official_name"
    success_keys = ("mostly", "names", "ignore_row_if")
    args_keys = ("column_A", "column_B", "names")
    _prescriptive_renderer = _describe(lambda kw, lang: t(lang, "gx_page.rule_official_name", name=kw.get("column_B"),
                                                          code=kw.get("column_A")))


# Complete grid -------------------------------------------------------------------------------------


class TableMissingGridRows(TableMetricProvider):
    metric_name = "table.missing_grid_rows"
    value_keys = ("key_column", "key_values", "breakdown_column", "breakdown_values")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration):
        df, _, _ = execution_engine.get_compute_domain(domain_kwargs=metric_domain_kwargs,
                                                       domain_type=MetricDomainTypes.TABLE)
        key, codes = metric_value_kwargs["key_column"], _codes(metric_value_kwargs["key_values"])
        breakdown, values = metric_value_kwargs.get("breakdown_column"), metric_value_kwargs.get("breakdown_values")
        seen_keys = set(df[key].dropna().astype(str).unique().tolist()) if key in df.columns else set()
        missing: list[list[Optional[str]]] = [[code, None] for code in codes if code not in seen_keys]
        if breakdown:
            pairs = set()
            if key in df.columns and breakdown in df.columns:  # a blank code or breakdown is in no pair sought
                both = df[[key, breakdown]].dropna()
                pairs = set(zip(both[key].astype(str).tolist(), both[breakdown].astype(str).tolist()))
            missing += [[code, str(v)] for code in codes if code in seen_keys for v in values or []
                        if (code, str(v)) not in pairs]
        return sorted(missing, key=lambda m: (m[0], m[1] is not None, (values or []).index(m[1]) if m[1] else -1))


class ExpectTableToHaveFullGrid(BatchExpectation):
    """Every code of key_values has a row; with a breakdown_column, one for every breakdown code."""

    key_column: str
    key_values: Union[str, List[str], SuiteParameterDict]
    breakdown_column: Optional[str] = None
    breakdown_values: Optional[Union[List[str], SuiteParameterDict]] = None
    library_metadata: ClassVar[Dict[str, Any]] = _META
    metric_dependencies: ClassVar[Tuple[str, ...]] = ("table.missing_grid_rows",)
    domain_keys: ClassVar[Tuple[str, ...]] = ("batch_id", "row_condition", "condition_parser")
    success_keys = ("key_column", "key_values", "breakdown_column", "breakdown_values")
    args_keys = ("key_column", "key_values", "breakdown_column", "breakdown_values")
    _prescriptive_renderer = _describe(lambda kw, lang: t(
        lang, "gx_page.rule_full_grid_breakdown" if kw.get("breakdown_column") else "gx_page.rule_full_grid",
        key=kw.get("key_column"), codes=_joined(kw.get("key_values")), breakdown=kw.get("breakdown_column"),
        values=_joined(kw.get("breakdown_values"))))

    def _validate(self, metrics: dict, runtime_configuration: Optional[dict] = None, execution_engine=None):
        missing = metrics["table.missing_grid_rows"]
        return {"success": not missing, "result": {"observed_value": len(missing), "details": {"missing": missing}}}
