"""An earlier period's verdict is remembered under a key of its bytes, its communes and the code:
asked again on the same bytes it is not validated again; one changed byte, other communes or
`remember=False` (`--force`, `verify`) validate it again."""

import pandas as pd

from conftest import copy_sample
from pipelines.units.period import Period
from pipelines.validate import remembered

COMMUNES = pd.DataFrame({"code": ["06838", "06847"], "name": ["Thị trấn Bình Liêu", "Xã Đồng Văn"]})


def test_a_verdict_is_remembered_until_a_byte_or_the_communes_change(tmp_path):
    data = copy_sample(tmp_path, periods=("2023",)) / "data"
    period, calls = Period.parse("2023"), []

    def check(answer=True):
        calls.append(answer)
        return answer

    assert remembered.usable(data, period, COMMUNES, check) is True
    assert remembered.usable(data, period, COMMUNES, lambda: check(False)) is True  # remembered: not asked
    assert calls == [True]
    assert [p.suffix for p in (data / ".cache" / "validation").iterdir()] == [".json"]

    assert remembered.usable(data, period, COMMUNES.head(1), lambda: check(False)) is False
    assert remembered.usable(data, period, COMMUNES, lambda: check(False), remember=False) is False
    population = data / "raw" / "2023" / "population.csv"
    population.write_bytes(population.read_bytes() + b"\n")
    assert remembered.usable(data, period, COMMUNES, lambda: check(False)) is False
    assert calls == [True, False, False, False]
