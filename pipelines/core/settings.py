"""Reads the reviewed configuration files shipped in pipelines/config/ (YAML)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=None)
def load(name: str):
    """The parsed content of pipelines/config/<name>."""
    return yaml.safe_load((resources.files("pipelines") / "config" / name).read_text(encoding="utf-8"))
