"""Nothing lost, at the level of the parts: folders that overlap, the period lock, a publication
killed between two of its moves, `--period latest` and arguments checked before anything runs.
Fast: no report is rendered here (the end-to-end kills are in test_nothing_lost.py)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import baocao_here, copy_sample, tree_bytes
from pipelines.core import locks, publication
from pipelines.core.folders import FolderError, Folders
from pipelines.units.period import Period


@pytest.fixture
def site(tmp_path):
    return copy_sample(tmp_path, periods=("2024",))


REPORTS_ADVICE = "Chọn --reports-dir ngoài {w}/data/raw và {w}/data/processed (mặc định: reports)"
PUBLIC_ADVICE = "Chọn --public-dir ngoài {w}/data/raw và {w}/data/processed (mặc định: public)"
TREES_ADVICE = ("Chọn --reports-dir và --public-dir (hoặc folders: internal, public trong baocao.yml) tách rời nhau: "
                "không thư mục nào nằm trong thư mục kia")


@pytest.mark.parametrize("reports, public, message, advice", [
    ("data/raw", "public", "thư mục báo cáo {w}/data/raw là thư mục dữ liệu thô {w}/data/raw", REPORTS_ADVICE),
    ("data/raw/2024", "public", "thư mục báo cáo {w}/data/raw/2024 nằm trong thư mục dữ liệu thô {w}/data/raw",
     REPORTS_ADVICE),
    ("data", "public", "thư mục dữ liệu thô {w}/data/raw nằm trong thư mục báo cáo {w}/data", REPORTS_ADVICE),
    ("data/processed", "public", "thư mục báo cáo {w}/data/processed là thư mục dữ liệu đã xử lý {w}/data/processed",
     REPORTS_ADVICE),
    ("link-to-raw", "public", "thư mục báo cáo {w}/data/raw là thư mục dữ liệu thô {w}/data/raw", REPORTS_ADVICE),
    ("reports", "data/processed/www", "thư mục công khai {w}/data/processed/www nằm trong thư mục dữ liệu đã xử lý "
     "{w}/data/processed", PUBLIC_ADVICE),
    ("reports", "reports", "thư mục báo cáo {w}/reports là thư mục công khai {w}/reports", TREES_ADVICE),
    ("reports", "reports/www", "thư mục công khai {w}/reports/www nằm trong thư mục báo cáo {w}/reports", TREES_ADVICE),
    ("www/internal", "www", "thư mục báo cáo {w}/www/internal nằm trong thư mục công khai {w}/www", TREES_ADVICE),
    ("reports", "link-to-reports", "thư mục báo cáo {w}/reports là thư mục công khai {w}/reports", TREES_ADVICE),
])
def test_folders_that_overlap_are_refused_before_anything_runs(site, capsys, reports, public, message, advice):
    (site / "link-to-raw").symlink_to(site / "data" / "raw")
    (site / "link-to-reports").symlink_to(site / "reports")
    raw_before = tree_bytes(site / "data" / "raw")
    done = baocao_here(capsys, "run", "--period", "2024", "--data-dir", site / "data", "--reports-dir", site / reports,
                       "--public-dir", site / public)
    assert done.returncode == 3
    assert done.stderr == ("LỖI: " + message.format(w=site) + ": một lần chạy sẽ ghi đè lên tệp của nhau. "
                           + advice.format(w=site) + "\n")
    assert tree_bytes(site / "data" / "raw") == raw_before
    assert not (site / "data" / "processed").exists() and not (site / "data" / ".locks").exists()


def test_the_trees_come_from_the_settings_and_the_options_win(site, capsys):
    """`folders:` in baocao.yml names both trees, relative to the data folder; an option overrides
    its tree; without either the trees are `reports` and `public` in the working folder."""
    from pipelines.core import deployment

    settings = site / "data" / "baocao.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "folders:\n  internal: ../noi-bo\n  public: /var/www/baocao\n",
                        encoding="utf-8")
    assert deployment.trees(site / "data") == (site / "data" / "../noi-bo", Path("/var/www/baocao"))
    assert deployment.trees(site / "data", None, site / "www") == (site / "data" / "../noi-bo", site / "www")
    assert deployment.trees(site / "nowhere") == (Path("reports"), Path("public"))
    settings.write_text("folders:\n  internal: raw\n", encoding="utf-8")  # relative to the data folder: its raw/
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", site / "data")
    assert done.stderr == (f"LỖI: thư mục báo cáo {site}/data/raw là thư mục dữ liệu thô {site}/data/raw: một lần chạy "
                           f"sẽ ghi đè lên tệp của nhau. {REPORTS_ADVICE.format(w=site)}\n")
    settings.write_text("folders:\n  served: /var/www\n", encoding="utf-8")
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", site / "data")
    assert done.stderr == (f"LỖI: {settings}: mục 'folders' chỉ nhận internal, public, mỗi khóa một đường dẫn thư mục\n")


@pytest.mark.parametrize("option", ["--reports-dir", "--public-dir"])
def test_a_tree_right_under_the_root_is_refused(site, capsys, option):
    done = baocao_here(capsys, "run", "--period", "2024", "--data-dir", site / "data", option, "/srv")
    what = "báo cáo" if option == "--reports-dir" else "công khai"
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr == (f"LỖI: thư mục {what} /srv nằm ngay dưới gốc hệ thống tệp: chỗ chuẩn bị và bản cũ của một "
                           f"lần công bố nằm bên cạnh thư mục này, không được đặt trong /. Chọn {option} sâu hơn một cấp "
                           "(ví dụ /srv/baocao/reports, /var/www/baocao)\n")


def test_a_mistyped_data_folder_is_not_created(tmp_path, capsys):
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", tmp_path / "dta")
    assert done.returncode == 3
    assert done.stderr == (f"LỖI: --data-dir {tmp_path}/dta: không có thư mục này ({tmp_path}/dta); kiểm tra lại "
                           "đường dẫn, hoặc tạo nơi triển khai mới bằng baocao init\n")
    assert not (tmp_path / "dta").exists()


def test_reports_beside_the_data_are_fine(site):
    folders = Folders.checked(site / "data", site / "data" / "reports")
    assert folders.raw == site / "data" / "raw" and folders.reports == site / "data" / "reports"
    with pytest.raises(FolderError):
        Folders.checked(site / "data", site)


@pytest.mark.parametrize("command", [
    ["run", "--period", "2024"], ["validate", "--period", "2024"], ["verify", "--period", "2024"],
    ["ingest", "--period", "2024", "x.xlsx"]])
def test_a_period_held_by_another_run_exits_4_naming_the_holder(site, capsys, command):
    with locks.period_lock(site / "data", "2024"):
        started = dt.datetime.now()
        done = baocao_here(capsys, *command, "--data-dir", site / "data", "--wait", "0.5")
        waited = (dt.datetime.now() - started).total_seconds()
    assert done.returncode == 4
    lock = site / "data" / ".locks" / "2024.lock"
    holder = f"tiến trình {os.getpid()}: {' '.join(['baocao', *sys.argv[1:]])[:300]}"
    assert done.stderr.startswith(f"LỖI: kỳ 2024 đang được một lần chạy khác xử lý ({holder}")
    assert done.stderr.endswith(f"; khóa {lock}. Chờ lần chạy đó xong rồi chạy lại, hoặc dùng --wait GIÂY để chờ\n")
    assert waited >= 0.5
    assert not (site / "data" / "processed").exists()


def test_the_lock_is_free_again_when_its_holder_is_killed(site):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pipelines.core import locks
        with locks.period_lock({str(site / 'data')!r}, "2024"):
            print("held", flush=True)
            time.sleep(600)
        """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    with pytest.raises(locks.Locked):
        with locks.period_lock(site / "data", "2024"):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with locks.period_lock(site / "data", "2024", wait=5) as rolled_back:
        assert rolled_back is False


def _published_and_staged(tmp_path):
    """A published period (processed, internal reports and index, public reports and index) and a
    staged new one, as a run leaves them just before it publishes."""
    data, reports = tmp_path / "data", tmp_path / "reports"
    moves = publication.moves(data, reports, tmp_path / "public", "2024")
    for n, item in enumerate(moves):
        for folder, what in ((item.final, "old"), (item.staged, "new")):
            if folder.name.endswith(".html"):
                folder.parent.mkdir(parents=True, exist_ok=True)
                folder.write_text(f"{what} index")
            else:
                (folder / "sub").mkdir(parents=True)
                (folder / "sub" / "figures.txt").write_text(f"{what} {n}")
    return data, reports, moves


def _snapshot(data, reports):
    """Every file of the processed folder, of both trees and of their parent (the staging and
    `.previous-…` places of the trees), by where it is."""
    parent = {f"p/{k}": v for k, v in tree_bytes(reports.parent).items() if k.startswith(".")}
    return {**tree_bytes(data / "processed"), **{f"r/{k}": v for k, v in tree_bytes(reports).items()},
            **{f"w/{k}": v for k, v in tree_bytes(reports.parent / "public").items()}, **parent}


def _publish(data, reports, point):
    """`publish` of the staged 2024 in another process, killed at `point`."""
    return subprocess.run(
        [sys.executable, "-c", f"from pipelines.core import publication as p; "
                               f"p.publish({str(data)!r}, p.moves({str(data)!r}, {str(reports)!r}, "
                               f"{str(reports.parent / 'public')!r}, '2024'), '2024')"],
        env={**os.environ, "BAOCAO_KILL_AT": point}, start_new_session=True)


@pytest.mark.parametrize("point", ["publication-0", "publication-1", "publication-2", "publication-3",
                                   "publication-4"])
def test_a_publication_killed_between_two_moves_is_rolled_back_by_the_next_holder_of_the_lock(tmp_path, point):
    """Killed while it replaces the processed folder (0), the internal reports (1) or index (2), the
    public reports (3) or the public index (4): every published byte of both trees comes back."""
    data, reports, moves = _published_and_staged(tmp_path)
    published = {k: v for k, v in _snapshot(data, reports).items() if ".staging-" not in k}
    assert sorted(published) == ["2024/sub/figures.txt", "r/2024/sub/figures.txt", "r/index.html",
                                 "w/2024/sub/figures.txt", "w/index.html"]
    killed = _publish(data, reports, point)
    assert killed.returncode == -signal.SIGKILL
    assert publication.journal_path(data, "2024").is_file()

    with locks.period_lock(data, "2024") as rolled_back:
        assert rolled_back is True
    after = {k: v for k, v in _snapshot(data, reports).items() if not k.startswith(".locks")}
    assert after == published  # every published byte back, staging and journal gone


@pytest.mark.parametrize("point", ["publication-2", "publication-4"])
def test_a_first_publication_killed_midway_leaves_nothing_published(tmp_path, point):
    data, reports = tmp_path / "data", tmp_path / "reports"
    moves = publication.moves(data, reports, tmp_path / "public", "2024")
    for item in moves:
        for folder in (item.staged.parent, item.final.parent):  # a run makes the trees when it stages
            folder.mkdir(parents=True, exist_ok=True)
        item.staged.write_text("new")
    killed = _publish(data, reports, point)
    assert killed.returncode == -signal.SIGKILL
    assert publication.recover(data, "2024") is True
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_previous_folder_left_without_its_published_one_is_put_back(tmp_path):
    data, reports = tmp_path / "data", tmp_path / "reports"
    moves = publication.moves(data, reports, tmp_path / "public", "2024")
    for item in (moves.reports, moves.public):
        item.final.parent.mkdir()
        (item.previous / "a.html").parent.mkdir(parents=True)
        (item.previous / "a.html").write_text("đã công bố")  # a run died mid-swap before journals existed
    publication.clean_leftovers(moves)
    assert tree_bytes(reports) == tree_bytes(tmp_path / "public") == {"2024/a.html": "đã công bố".encode()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "reports"]


def test_what_an_earlier_version_left_inside_the_reports_folder_is_deleted(tmp_path):
    """Versions before the two trees staged inside the reports folder: a run deletes what a killed
    one of theirs left there, so that no staging or `.previous-…` place stays in a tree."""
    data, reports = tmp_path / "data", tmp_path / "reports"
    for name in (".staging-2024/a.html", ".previous-2024/a.html", ".staging-2024-index.html", "2024/a.html"):
        (reports / name).parent.mkdir(parents=True, exist_ok=True)
        (reports / name).write_text("x")
    publication.clean_leftovers(publication.former(data, reports, "2024"))
    assert tree_bytes(reports) == {"2024/a.html": b"x"}


def test_a_publication_that_completes_replaces_everything_and_leaves_nothing_beside(tmp_path):
    data, reports, moves = _published_and_staged(tmp_path)
    publication.publish(data, moves, "2024")
    assert _snapshot(data, reports) == {"2024/sub/figures.txt": b"new 0", "r/2024/sub/figures.txt": b"new 1",
                                        "r/index.html": b"new index", "w/2024/sub/figures.txt": b"new 3",
                                        "w/index.html": b"new index"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "public", "reports"]


def test_a_publication_without_public_items_leaves_the_public_tree_alone(tmp_path):
    data, reports, moves = _published_and_staged(tmp_path)
    for item in (moves.public, moves.public_index):
        publication.remove(item.staged)
    public_before = tree_bytes(tmp_path / "public")
    assert moves.staged() == (moves.processed, moves.reports, moves.index)
    publication.publish(data, moves.staged(), "2024")
    assert tree_bytes(tmp_path / "public") == public_before
    assert _snapshot(data, reports)["r/2024/sub/figures.txt"] == b"new 1"


def test_latest_is_the_last_period_that_has_ended():
    today = dt.date(2026, 11, 29)
    assert [str(Period.latest(kind, today)) for kind in ("year", "half", "quarter")] == ["2025", "2026-H1", "2026-Q3"]
    assert str(Period.latest("quarter", dt.date(2026, 10, 1))) == "2026-Q3"
    assert str(Period.latest("quarter", dt.date(2026, 9, 30))) == "2026-Q2"  # the quarter ends at the day's end


def test_period_latest_on_the_command_line_uses_the_deployment_s_kind(site, capsys):
    (site / "data" / "baocao.yml").write_text("period: half\n", encoding="utf-8")
    done = baocao_here(capsys, "validate", "--period", "latest", "--data-dir", site / "data")
    expected = Period.latest("half")
    assert done.stdout.splitlines()[0] == f"Kỳ gần nhất đã kết thúc: {expected}"
    assert done.returncode == 2 and f"không có dữ liệu thô cho kỳ {expected}" in done.stderr


def test_a_bad_report_date_is_refused_before_anything_runs(site, capsys):
    done = baocao_here(capsys, "run", "--period", "2024", "--param", "report_date=not-a-date",
                       "--data-dir", site / "data", "--reports-dir", site / "reports")
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr == ("LỖI: --param report_date=not-a-date: cần ngày dạng NNNN-TT-NN, ví dụ "
                           "report_date=2025-01-05\n")
    assert not (site / "reports").exists() and not (site / "data" / ".locks").exists()


def test_a_run_of_another_period_rolls_back_a_killed_publication_before_it_makes_the_index(tmp_path):
    """2023's publication killed between two moves; a run of 2024 about to write the index (which
    lists 2023 from disk) first puts 2023 back, unless 2023's own run holds its lock."""
    from types import SimpleNamespace

    from filelock import FileLock

    from pipelines.publish import run

    data, reports, moves = _published_and_staged(tmp_path)
    published = {k: v for k, v in _snapshot(data, reports).items() if ".staging-" not in k}
    killed = _publish(data, reports, "publication-3")
    assert killed.returncode == -signal.SIGKILL
    other = SimpleNamespace(folders=Folders(data.resolve(), reports.resolve(), (tmp_path / "public").resolve()),
                            period=Period.parse("2025"))
    locks.lock_path(data, "2024").parent.mkdir(parents=True)
    with FileLock(locks.lock_path(data, "2024")):  # its own run holds it (and recovers it itself)
        run._recover_others(other)
    assert publication.journal_path(data, "2024").is_file()
    run._recover_others(other)
    assert not publication.journal_path(data, "2024").is_file()
    assert {k: v for k, v in _snapshot(data, reports).items() if not k.startswith(".locks")} == published


def test_a_report_is_reused_only_when_nothing_it_shows_changed():
    """A report prints the raw files' SHA-256 and the dataset's notes besides the processed figures:
    its key changes with any input, not only with the processed files it reads."""
    from pipelines.publish import jobs, staging

    job = jobs.Job("bao-cao-tre-em-2024-huyen-198", "01-children-report.ipynb", {"period": "2024", "number": "12"}, "t")
    inputs, processed = {"raw/2024/population.csv": "a" * 64}, {"processed/2024/indicators.parquet": "b" * 64}
    key = staging.report_key(job, inputs, processed)
    assert staging.report_key(job, dict(inputs), dict(processed)) == key
    assert staging.report_key(job, {"raw/2024/population.csv": "c" * 64}, processed) != key
    assert staging.report_key(job, inputs, {"processed/2024/indicators.parquet": "c" * 64}) != key
    renumbered = jobs.Job(job.stem, job.notebook, {**job.parameters, "number": "13"}, job.title)
    assert staging.report_key(renumbered, inputs, processed) != key


def test_a_clean_up_that_fails_after_the_commit_says_published_with_its_own_status(tmp_path, monkeypatch):
    """With `reports/2024` not writable, a run once published, then exited 3 as if it had failed and
    left `.previous-2024` behind. The clean-up comes after the commit point: it is said as what it
    is (published; what is left to delete), exit 7, and the next run deletes what is left."""
    from pipelines.core import errors

    data, reports, moves = _published_and_staged(tmp_path)
    real_remove = publication.remove

    def stuck(path):
        if path in (moves.reports.previous, moves.public_index.previous):
            raise PermissionError(13, "Permission denied")
        real_remove(path)

    monkeypatch.setattr(publication, "remove", stuck)
    with pytest.raises(errors.CleanupFailed) as left:
        publication.publish(data, moves, "2024")
    assert left.value.exit_status == 7
    assert str(left.value) == (f"đã công bố kỳ 2024; chưa xóa được bản cũ: {moves.reports.previous} (Permission denied); "
                               f"{moves.public_index.previous} (Permission denied). Lần chạy sau sẽ xóa, hoặc xóa tay")
    assert moves.public_index.previous == tmp_path / ".public.previous-2024-index.html"  # beside the served tree
    assert _snapshot(data, reports)["r/2024/sub/figures.txt"] == b"new 1"  # published
    assert not publication.journal_path(data, "2024").exists()  # committed: nothing to roll back
    monkeypatch.setattr(publication, "remove", real_remove)
    publication.clean_leftovers(moves)
    assert _snapshot(data, reports) == {"2024/sub/figures.txt": b"new 0", "r/2024/sub/figures.txt": b"new 1",
                                        "r/index.html": b"new index", "w/2024/sub/figures.txt": b"new 3",
                                        "w/index.html": b"new index"}
