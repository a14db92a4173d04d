"""The embedded sample: Bình Liêu district (Quảng Ninh, district code 198), periods 2022-2024, and
for 2025 the new communes that cover its former area (Xã Bình Liêu, Xã Hoành Mô, Xã Lục Hồn).

Why this module exists: the sample committed in `data/raw/<period>/` must be regenerable byte for
byte from reviewed code, so that nobody edits raw files by hand and a reviewer can see where every
number comes from. `python -m samplegen data` (or `python -m samplegen.sample data`) rewrites the
files; `tests/test_sample.py` checks that the committed files equal what this module builds. This
module is the entry point and chooses the builder by period; the parts live beside it:

- `samplegen.weights`: the invented tables (district totals, commune weights) of 2022-2024;
- `samplegen.legacy`: 2022-2024, split from those tables across the seven communes;
- `samplegen.reform`: 2025, the 2024 sample re-based onto the new communes and moved a little;
- `samplegen.arith`, `samplegen.files`: whole-number rounding, the frames and where they are written
  (their bytes: pipelines.intake.csvfile, the product's one raw CSV writer);
- `samplegen.subannual`, `samplegen.remap`: test fixtures made from the sample (halves and quarters;
  the same figures under another district's communes), written to a folder of the caller's, never
  committed.

The data is SYNTHETIC (plausible, invented) except the 2024 district totals that equal the figures
published in the seed article (shared/seed/binh-lieu-child-care-article.vi.txt): 9,292 children
under 16, 8,824 ethnic-minority children, 2,973 under 6, 407 in special or difficult circumstances,
47 of 47 sponsored, 205,350,000 đồng of Children's Day gifts, 10 bicycles, 55 gift packages for
disabled and orphaned children, 40 Tết gifts for pupils, 80 case files received and 80 handled.

Only integer arithmetic, nothing random: see `samplegen.arith`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from pipelines.units.period import Period
from pipelines.units.reference import communes_of
from samplegen.arith import allocate  # noqa: F401 - offered here with the sample (tests use it)
from pipelines.intake.csvfile import frame_bytes as csv_bytes  # noqa: F401 - the committed byte form (tests use it)
from samplegen.files import write_frames
from samplegen.legacy import build_legacy
from samplegen.reform import PERIOD as REFORM_PERIOD, PROVINCE, build_2025
from samplegen.weights import DISTRICT, LEGACY_PERIODS

PERIODS = LEGACY_PERIODS + (REFORM_PERIOD,)

__all__ = ["DISTRICT", "LEGACY_PERIODS", "PERIODS", "PROVINCE", "allocate", "build_sample", "csv_bytes",
           "sample_units", "write_sample"]


def build_sample(period: str | int) -> dict[str, pd.DataFrame]:
    """Form name -> frame with the columns of `config/forms.yml`, one row per commune and code."""
    period = str(period).strip()
    if period not in PERIODS:
        raise ValueError(f"the sample covers {', '.join(PERIODS)}, not {period}")
    return build_legacy(period) if period in LEGACY_PERIODS else build_2025()


def sample_units(period: str | int) -> pd.DataFrame:
    """The communes of the sample for a period (code, name, from pipelines.reference): Bình Liêu's
    seven before 1 July 2025; after it, the new communes the 2024 sample re-bases onto in full."""
    period = str(period).strip()
    if period in LEGACY_PERIODS:
        return communes_of(Period.parse(period), DISTRICT, "district")[["code", "name"]]
    codes = list(build_2025()["population"]["commune_code"].unique())
    units = communes_of(Period.parse(period), PROVINCE, "province")
    return units[units["code"].isin(codes)][["code", "name"]].reset_index(drop=True)


def write_sample(data_dir: Path | str, periods: tuple[str, ...] = PERIODS) -> list[Path]:
    """Write `<data_dir>/raw/<period>/<form file>` for every period; return the paths written."""
    written = []
    for period in periods:
        written += write_frames(data_dir, period, build_sample(period))
    return written


def main(argv: list[str] | None = None) -> int:
    """`python -m samplegen [DATA_DIR]`: rewrite the committed sample under DATA_DIR/raw (default `data`)."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python -m samplegen [DATA_DIR]   (writes DATA_DIR/raw/<period>/*.csv; default: data)",
              file=sys.stderr)
        return 2
    for path in write_sample(argv[0] if argv else "data"):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
