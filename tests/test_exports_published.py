"""`baocao export` on a published period (issue 20): the files are published with the period, recorded
in its manifest ([format, edition, language]) so that `verify --quick` passes, and `--out` writes into
a folder only. Shares the `published` run (its own module, so that it goes with that run's group)."""

from __future__ import annotations

import json
import shutil

from conftest import baocao_here
from test_exports import MAPPING


def test_baocao_export_is_recorded_and_verify_quick_passes(published, tmp_path, capsys):
    work = tmp_path / "w"
    shutil.copytree(published[0], work, symlinks=True)
    data, reports = work / "data", work / "reports"
    (data / "baocao.yml").write_text((data / "baocao.yml").read_text(encoding="utf-8") + "exchange:\n  dhis2:\n"
                                     + "    data_elements:\n" + "".join(f"      {k}: {v}\n" for k, v in
                                                                       MAPPING["dhis2"]["data_elements"].items()),
                                     encoding="utf-8")
    dirs = ("--data-dir", data, "--reports-dir", reports, "--public-dir", work / "public")
    before = (reports / "2024" / "manifest.json").read_bytes()
    out = baocao_here(capsys, "export", "--period", "2024", "--format", "dhis2-csv", "--out", work / "out", *dirs)
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (work / "out").iterdir()) == ["indicators.dhis2.csv"]
    assert (reports / "2024" / "manifest.json").read_bytes() == before and not (reports / "2024" / "exports").exists()
    for asked in (("--format", "adx"), ("--format", "sdmx-csv", "--lang", "en")):
        done = baocao_here(capsys, "export", "--period", "2024", *asked, *dirs)
        assert done.returncode == 0, done.stderr
    record = json.loads((reports / "2024" / "manifest.json").read_text(encoding="utf-8"))
    assert record["exports"] == [["adx", "internal", ""], ["sdmx-csv", "internal", "en"]]
    assert sorted(p.name for p in (reports / "2024" / "exports").iterdir()) == \
        ["indicators.adx.xml", "indicators.sdmx.csv", "structure.en.sdmx.xml"]
    assert {f"reports/2024/exports/{name}" for name in ("indicators.adx.xml", "indicators.sdmx.csv",
                                                        "structure.en.sdmx.xml")} <= set(record["outputs"])
    check = baocao_here(capsys, "verify", "--quick", "--period", "2024", *dirs)
    assert check.returncode == 0, check.stdout + check.stderr
