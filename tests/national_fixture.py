"""A small country for the national report's tests (issue 20): the sample's seven communes, three
left in Quảng Ninh (22) and the others renamed onto real communes of Hà Nội (01) and Thành phố Hồ Chí
Minh (79), with their official names of the 2024 list, for 2023 and 2024: three provinces with
data, 60 without, each province partly covered. Figures by province are then sums of known sample
communes, so a test can compute them by hand."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import SAMPLE
from pipelines.units import reference
from pipelines.units.period import Period

#: sample commune → the commune it stands for in the small country
REMAP = {"06838": "06838", "06841": "06841", "06844": "06844", "06847": "00001", "06853": "00004",
         "06856": "26734", "06859": "26737"}
SETTINGS = ('default_scope:\n  legacy: "national"\ncommune_reports:\n  legacy: true\nperiod: year\n'
            'languages: [vi]\neditions: [internal]\ntargets: []\n')


def make(target: Path, periods=("2023", "2024")) -> Path:
    """target/data: the small country's raw forms of `periods` and its baocao.yml; returns the data folder."""
    data = target / "data"
    listed = reference.units(Period.parse("2024"))
    names = dict(zip(listed["code"], listed["name"]))
    for period in periods:
        (data / "raw" / period).mkdir(parents=True)
        for source in sorted((SAMPLE / period).glob("*.csv")):
            header, *rows = list(csv.reader(source.read_text(encoding="utf-8-sig").splitlines()))
            with (data / "raw" / period / source.name).open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(header)
                writer.writerows([REMAP[row[0]], names[REMAP[row[0]]], *row[2:]] for row in rows)
    (data / "baocao.yml").write_text(SETTINGS, encoding="utf-8")
    return data
