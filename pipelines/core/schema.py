"""The reporting forms and their breakdown codes: the contract every raw file follows.

Read from config/forms.yml and config/categories.yml (reviewed like code). Intake, validation,
re-basing and indicators all check against this one contract, so it sits below all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pipelines.core import settings


@dataclass(frozen=True)
class Form:
    name: str
    file: str
    title_vi: str
    key: tuple[str, ...]
    text: tuple[str, ...]
    counts: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.text + self.counts


@lru_cache(maxsize=1)
def forms() -> dict[str, Form]:
    """The reporting forms, in the order of `config/forms.yml`."""
    return {name: Form(name=name, file=spec["file"], title_vi=spec["title_vi"], key=tuple(spec["key"]),
                       text=tuple(spec["text"]), counts=tuple(spec["counts"]))
            for name, spec in settings.load("forms.yml").items()}


@lru_cache(maxsize=1)
def categories() -> dict[str, dict[str, dict]]:
    """Codes of the breakdown columns (sex, circumstance, ...) with their labels."""
    return settings.load("categories.yml")
