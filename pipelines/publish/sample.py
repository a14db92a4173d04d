"""`baocao sample`: a synthetic dataset for any scope, to try the product or measure it at size.

Why a command: a province or the ministry wants to see the workflow on its own units, and the
benchmark needs a national period (before 1 July 2025 the 10,035 communes of the reference list: the
official 10,040 also count five island districts that have no communes; after it 3,321) without
waiting for real returns. The figures come from pipelines.intake.synthetic (deterministic for a
seed, every rule of the forms holding by construction); this module makes a data folder of them
that every other command accepts: the raw forms of the period, a settings file with the scope as
default when there is none yet (`baocao init`), and a notes file that every report prints, saying
that the figures are synthetic. Raw data is never overwritten.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.core import deployment, formats
from pipelines.intake import synthetic
from pipelines.publish import setup
from pipelines.units.period import Period
from pipelines.units.scope import Scope

NOTES = ('# What this dataset is, printed in the methodology appendix of every report made from it.\n'
         'vi: "Số liệu tổng hợp (giả lập) do lệnh baocao sample tạo ra (hạt giống {seed}), không phải số liệu thật."\n'
         'en: "Synthetic figures made by the baocao sample command (seed {seed}), not real data."\n')


def make_sample(scope: Scope, period: Period, data_dir: Path | str, seed: int = 0) -> list[str]:
    """Write the synthetic raw forms of `period` for every commune of `scope`; return what to tell."""
    data_dir = Path(data_dir)
    communes = synthetic.communes_for(period, scope.level, scope.code)
    paths = synthetic.write_synthetic(data_dir, period, communes, seed)
    said = [f"Đã tạo số liệu GIẢ LẬP kỳ {period} cho {formats.number(len(communes))} xã ({scope}, hạt giống {seed}): "
            f"{len(paths)} biểu trong {paths[0].parent}"]
    if not (data_dir / deployment.FILE).exists():
        said += setup.init(scope, data_dir, period)[:1]
    notes = data_dir / deployment.NOTES
    if not notes.exists():
        notes.write_text(NOTES.format(seed=seed), encoding="utf-8")
        said.append(f"Đã ghi {notes}: mọi báo cáo làm từ thư mục này ghi rõ đây là số liệu giả lập")
    return said + [f"Tiếp theo: baocao validate --period {period} --data-dir {data_dir}, "
                   f"rồi baocao run --period {period} --data-dir {data_dir}"]
