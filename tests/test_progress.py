"""Progress of a run's reports (pipelines.publish.progress), and the run options that choose where
reports are made (--jobs, --scheduler): plain lines with hand-computed figures, a bar on a terminal."""

import io

import pytest

from pipelines import cli
from pipelines.publish import fanout, progress


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture()
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(progress.time, "monotonic", fake)
    return fake


def test_a_log_gets_a_line_every_30_seconds_and_one_at_the_end(clock):
    said = []
    bar = progress.Progress(4, said.append, stream=io.StringIO())
    clock.now += 20
    bar.step("a")
    assert said == []  # not 30 s yet
    clock.now += 40
    bar.step("b", failed=True)
    assert said == ["      2/4 báo cáo (50,0 %), 2,0 báo cáo/phút, còn khoảng 1 phút; 1 lỗi"]
    clock.now += 3600
    bar.step("c")
    clock.now += 1
    bar.step("d")
    bar.close()
    assert said[-1] == "      4/4 báo cáo (100,0 %), 0,1 báo cáo/phút; 1 lỗi"
    assert len(said) == 3


def test_time_left_reads_in_hours_and_minutes(clock):
    bar = progress.Progress(10_721, [].append, stream=io.StringIO())
    clock.now += 60
    for _ in range(35):
        bar.step("x")
    assert bar.line() == "35/10.721 báo cáo (0,3 %), 35,0 báo cáo/phút, còn khoảng 5 giờ 5 phút"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_bar_with_rate_and_no_log_lines():
    said, screen = [], Terminal()
    bar = progress.Progress(3, said.append, stream=screen)
    for name in ("a", "b", "c"):
        bar.step(name)
    bar.close()
    assert said == []
    assert "3/3" in screen.getvalue() and "báo cáo/s" in screen.getvalue()


def test_jobs_default_to_the_cores_and_never_exceed_the_reports(monkeypatch):
    monkeypatch.setattr(fanout, "cores", lambda: 8)
    assert fanout.Pool().workers(100) == 8
    assert fanout.Pool().workers(13) == 8
    assert fanout.Pool(jobs=2).workers(100) == 2
    assert fanout.Pool(jobs=2).workers(3) == 2
    assert fanout.Pool(jobs=5).workers(3) == 3
    assert fanout.Pool(jobs=5).workers(0) == 1


def test_a_small_run_without_jobs_renders_in_its_own_process(monkeypatch):
    """Up to 12 reports (a district, its communes and the catalogue) a second process costs more CPU
    than it saves; asked for --jobs N > 1 or a --scheduler, the run goes through Dask whatever its size."""
    monkeypatch.setattr(fanout, "cores", lambda: 8)
    assert [fanout.Pool().workers(n) for n in (1, 9, 12, 13)] == [1, 1, 1, 8]
    assert [fanout.Pool().here(n) for n in (1, 9, 12, 13)] == [True, True, True, False]
    assert fanout.Pool(jobs=1).here(100) is True
    assert fanout.Pool(jobs=2).here(9) is False
    assert fanout.Pool(scheduler="tcp://10.0.0.5:8786").here(1) is False


@pytest.mark.parametrize("option, message", [
    (["--jobs", "0"], "argument --jobs: '0': cần một số nguyên từ 1 trở lên"),
    (["--scheduler", "10.0.0.5:8786"], "argument --scheduler: '10.0.0.5:8786': cần địa chỉ bộ lập lịch Dask dạng "
                                       "tcp://MÁY:CỔNG, ví dụ tcp://10.0.0.5:8786"),
])
def test_bad_fan_out_options_are_refused_before_anything_runs(capsys, option, message):
    assert cli.main(["run", "--period", "2024", *option]) == cli.EXIT_FAILED
    assert capsys.readouterr().err.endswith(f"baocao run: error: {message}\n")


def test_an_english_run_reads_its_progress_in_english(clock):
    bar = progress.Progress(10_721, [].append, stream=io.StringIO(), lang="en")
    clock.now += 60
    for _ in range(35):
        bar.step("x", failed=_ == 0)
    assert bar.line() == "35/10,721 reports (0.3 %), 35.0 reports/minute, about 5 h 5 min left; 1 failed"


def test_a_worker_s_failure_travels_back_and_reads_in_the_run_s_language():
    """A failure raised in a Dask worker is pickled back to the run: it carries its key and values."""
    import pickle

    from pipelines.core.text import failure
    from pipelines.publish.jobs import WorkerMismatch

    error = pickle.loads(pickle.dumps(failure(WorkerMismatch, "progress.no_data_dir", host="may-2", folder="/srv/data")))
    assert str(error) == ("máy trạm may-2 không thấy thư mục dữ liệu /srv/data: mọi máy trạm cần thấy thư mục này ở "
                          "cùng đường dẫn (ví dụ một ổ mạng dùng chung)")
    assert fanout._reason(error, "en") == ("worker may-2 cannot see the data folder /srv/data: every worker must see "
                                           "this folder at the same path (for example a shared network drive)")
