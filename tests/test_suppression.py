"""Suppression: no hidden count can be recovered from what the public edition publishes."""

import pandas as pd

from pipelines.indicators import suppression

COLUMNS = ["orphaned", "trafficked", "violence", "difficult"]
SENSITIVE = ["trafficked", "violence"]
GROUPS = [COLUMNS, ["orphaned", "trafficked", "violence"]]  # all, and the legal groups (published subtotal)


def _cells(rows):
    frame = pd.DataFrame(rows, columns=["unit"] + COLUMNS).set_index("unit")
    frame.loc["198"] = frame.sum()
    return frame


def test_single_small_sensitive_count_gets_a_complement_in_its_row_and_column():
    cells = _cells([["06838", 5, 2, 0, 9], ["06847", 6, 0, 7, 11]])
    hidden = suppression.suppress(cells, SENSITIVE, GROUPS, "198")
    assert hidden[("06838", "trafficked")] == suppression.PRIMARY
    # trafficked 2 in 06838 is the district total too (06847 has 0): the district cell must hide as well
    assert hidden[("198", "trafficked")] in (suppression.PRIMARY, suppression.COMPLEMENT)
    assert suppression.recoverable(cells, hidden, GROUPS, "198") == []
    assert len(hidden) >= 3


def test_counts_of_five_and_over_and_non_sensitive_small_counts_stay():
    cells = _cells([["06838", 1, 5, 6, 3], ["06847", 2, 8, 9, 4]])
    assert suppression.suppress(cells, SENSITIVE, GROUPS, "198") == {}


def test_without_complement_the_hidden_value_would_be_recovered_by_subtraction():
    cells = _cells([["06838", 5, 3, 6, 9], ["06847", 6, 7, 8, 11]])
    primary_only = {("06838", "trafficked"): suppression.PRIMARY}
    assert suppression.recoverable(cells, primary_only, GROUPS, "198") == [("06838", "trafficked")]
    hidden = suppression.suppress(cells, SENSITIVE, GROUPS, "198")
    assert suppression.recoverable(cells, hidden, GROUPS, "198") == []


def test_public_edition_of_the_sample_hides_and_protects(tmp_path):
    from conftest import REPO
    rows = pd.read_csv(REPO / "data" / "raw" / "2024" / "special_circumstances.csv", dtype={"commune_code": str})
    long = rows.rename(columns={"commune_code": "unit_code", "circumstance": "code", "children": "count"})[
        ["unit_code", "code", "count"]]
    district = long.groupby("code", sort=False)["count"].sum().reset_index().assign(unit_code="198")
    long = pd.concat([long, district], ignore_index=True)
    codes = list(dict.fromkeys(long["code"]))
    sensitive = ["hiv", "conflict_with_law", "drug_addicted", "violence", "exploited", "sexually_abused", "trafficked"]
    groups = [codes, [c for c in codes if c != "difficult"]]
    public = suppression.public_edition(long, sensitive, groups, "198")
    small = long[long["code"].isin(sensitive) & long["count"].between(1, 4)]
    assert len(small) > 0  # the sample has small sensitive counts to protect
    shown = public.set_index(["unit_code", "code"])
    for unit, code in zip(small["unit_code"], small["code"]):
        assert shown.loc[(unit, code), "display"] == "< 5" and pd.isna(shown.loc[(unit, code), "count"])
    cells = long.pivot(index="unit_code", columns="code", values="count")
    hidden = {k: v for k, v in zip(zip(public["unit_code"], public["code"]), public["display"]) if v in ("< 5", "x")}
    assert suppression.recoverable(cells, hidden, groups, "198") == []
    assert (public.loc[~public["suppressed"], "count"].to_numpy() == long.loc[~public["suppressed"].to_numpy(), "count"].to_numpy()).all()
