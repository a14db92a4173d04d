"""`baocao sample`: a synthetic dataset for any scope, to try the product or measure it at size.

Why a command: a province or the ministry wants to see the workflow on its own units, and the
benchmark needs a national period (before 1 July 2025 the 10,035 communes of the reference list: the
official 10,040 also count five island districts that have no communes; after it 3,321) without
waiting for real returns. The figures come from pipelines.sample.generate (deterministic for a
seed, every rule of the forms holding by construction); this module makes a data folder of them
that every other command accepts: the raw forms of the period, a settings file with the scope as
default when there is none yet (`baocao init`), and a notes file that every report prints, saying
that the figures are synthetic. Raw data is never overwritten.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.core import deployment
from pipelines.core.text import LANGS, t
from pipelines.publish import setup
from pipelines.sample import generate
from pipelines.units import types
from pipelines.units.period import Period
from pipelines.units.scope import Scope

# The first line of raw/notes.yml; then one line per language (pipelines.core.deployment reads them).
NOTES_HEADING = "# What this dataset is, printed in the methodology appendix of every report made from it.\n"


def make_sample(scope: Scope, period: Period, data_dir: Path | str, seed: int = 0, lang: str = "vi") -> list[str]:
    """Write the synthetic raw forms of `period` for every commune of `scope`; return what to tell."""
    data_dir = Path(data_dir)
    communes = generate.communes_for(period, scope)
    paths = generate.write_synthetic(data_dir, period, communes, seed, lang)
    said = [t(lang, "sample.made", period=period, communes=types.counted(lang, communes["name"], "commune", "plain"), scope=scope,
              seed=seed, forms=len(paths), folder=paths[0].parent)]
    if not (data_dir / deployment.FILE).exists():
        said += setup.init(scope, data_dir, period)[:1]
    notes = data_dir / deployment.NOTES
    if not notes.exists():
        lines = [f'{each}: "{t(each, "sample.notes", seed=seed)}"\n' for each in LANGS]
        notes.write_text(NOTES_HEADING + "".join(lines), encoding="utf-8")
        said.append(t(lang, "sample.notes_written", notes=notes))
    return said + [t(lang, "sample.next", period=period, data_dir=data_dir)]
