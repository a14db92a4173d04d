"""environment.yml (conda) asks for the same packages, at the same versions, as the pip lock."""

import re
import tomllib

import yaml

from conftest import REPO


def _lock():
    pins = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_environment_pins_equal_the_lock_and_cover_pyproject():
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pinned = {re.sub(r"\[.*\]", "", p.split("==")[0]): p.split("==")[1] for p in pip}
    lock = _lock()
    assert {name: lock[name] for name in pinned} == pinned
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    assert sorted(re.split(r"[<>=\[ ]", d)[0].lower().replace("_", "-") for d in wanted) == sorted(pinned)
    assert "python=3.11" in env["dependencies"]
