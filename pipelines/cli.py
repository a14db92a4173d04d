"""Command line: `baocao run|validate|verify|approve|template|ingest|init` (also `python -m pipelines`).

Made for a scheduled run nobody watches: every step is printed as it starts, written to a log
file per run (`<data-dir>/logs/`), the exit status says what happened and the reason goes to
stderr. Exit status: 0 done; 1 warnings only (`validate`) or a file that differs (`verify`);
2 data errors (nothing published, nothing ingested); 3 any other failure (a bad argument, folders
that overlap, a crash); 4 another run holds the period (see --wait). Commands on a period hold
its lock (pipelines.core.locks) from start to end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_WARNINGS, EXIT_DATA_ERRORS, EXIT_FAILED, EXIT_LOCKED = 0, 1, 2, 3, 4
EXIT_DIFFERS = 1  # `verify`: a published file is not what the manifest and the inputs give
# Parameters of the report notebook that say who issues the document, set per run with --param.
REPORT_PARAMETERS = ("issuing_body", "place", "number", "report_date", "signer", "signer_title", "recipients")


def _dirs(command: argparse.ArgumentParser, lang: bool = True) -> None:
    command.add_argument("--data-dir", type=Path, default=Path("data"), help="thư mục chứa raw/ và processed/ (mặc định: data)")
    command.add_argument("--reports-dir", type=Path, default=Path("reports"), help="thư mục báo cáo (mặc định: reports)")
    if lang:
        command.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ thông báo (mặc định: vi)")


def _choices(allowed: tuple[str, ...]):
    """`vi,en` → ("vi", "en"): a comma-separated list, each item one of `allowed`."""
    def parse(value: str) -> tuple[str, ...]:
        items = tuple(item.strip() for item in value.split(",") if item.strip())
        wrong = [item for item in items if item not in allowed]
        if not items or wrong:
            raise argparse.ArgumentTypeError(f"'{value}': chọn một hoặc nhiều trong {', '.join(allowed)}, cách nhau bằng dấu phẩy")
        return items
    return parse


def _period(value: str):
    """`--period 2024`: parsed once here into a Period (pipelines.units.period); `latest` is resolved
    with the deployment's settings once the data folder is known (`_latest`)."""
    from pipelines.units.period import Period, PeriodError

    if value == "latest":
        return value
    try:
        return Period.parse(value)
    except PeriodError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _scope_arg(value: str):
    """`--scope district:198`: parsed once here into a Scope (pipelines.units.scope)."""
    from pipelines.units.scope import Scope

    try:
        return Scope.parse(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _locking(command: argparse.ArgumentParser) -> None:
    command.add_argument("--wait", type=float, default=0, metavar="GIÂY",
                         help="nếu kỳ đang được lần chạy khác xử lý: chờ tối đa GIÂY giây (mặc định 0: dừng ngay, mã thoát 4)")


PERIOD_HELP = "kỳ báo cáo, ví dụ 2024, 2024-H1, 2024-Q3, hoặc latest (kỳ gần nhất đã kết thúc, theo period: trong baocao.yml)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baocao", description="Báo cáo trẻ em: kiểm tra, tính chỉ tiêu, xuất báo cáo")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="chạy trọn một kỳ báo cáo: kiểm tra, tính chỉ tiêu, xuất HTML và PDF")
    run.add_argument("--period", required=True, type=_period, help=PERIOD_HELP)
    run.add_argument("--scope", default=None, type=_scope_arg, help="đơn vị báo cáo: commune:<mã>, district:<mã> (trước 7/2025), province:<mã>")
    run.add_argument("--edition", type=_choices(("internal", "public")), default=None,
                     help="ấn bản: internal (nội bộ, đủ số liệu), public (công khai, ẩn số nhỏ nhạy cảm), "
                          "hoặc internal,public (mặc định: theo project.yml)")
    run.add_argument("--lang", type=_choices(("vi", "en")), default=None,
                     help="ngôn ngữ báo cáo: vi, en hoặc vi,en; thông báo theo ngôn ngữ đầu tiên (mặc định: theo project.yml)")
    run.add_argument("--param", action="append", default=[], metavar="TÊN=GIÁ_TRỊ",
                     help="tham số văn bản của báo cáo chính (không áp cho phiếu từng xã): "
                          + ", ".join(REPORT_PARAMETERS) + "; ví dụ --param number=12 --param signer='Hoàng Văn A'")
    run.add_argument("--force", action="store_true", help="làm lại tất cả, kể cả khi đầu vào, mã nguồn và tham số không đổi")
    _dirs(run, lang=False)
    _locking(run)
    validate = commands.add_parser("validate", help="chỉ kiểm tra dữ liệu của một kỳ (0: đạt, 1: có cảnh báo, 2: có lỗi)")
    validate.add_argument("--period", required=True, type=_period, help=PERIOD_HELP)
    validate.add_argument("--scope", default=None, type=_scope_arg, help="như với run")
    _dirs(validate)
    _locking(validate)
    verify = commands.add_parser("verify", help="kiểm chứng: báo cáo đã công bố đúng là bản làm ra từ dữ liệu thô (0: khớp, 1: khác)")
    verify.add_argument("--period", required=True, type=_period, help=PERIOD_HELP)
    verify.add_argument("--quick", action="store_true",
                        help="chỉ so tệp đã công bố và văn bản đã ký với manifest, không làm lại (vài giây)")
    _dirs(verify)
    _locking(verify)
    approve = commands.add_parser("approve", help="ghi nhận văn bản đã được lãnh đạo ký duyệt (mã SHA-256 của tệp)")
    approve.add_argument("--period", required=True, type=_period, help=PERIOD_HELP)
    approve.add_argument("--report", required=True, type=Path, help="tệp đã công bố, ví dụ reports/2024/bao-cao-….pdf")
    approve.add_argument("--by", required=True, help="tên và chức vụ người ký duyệt")
    _dirs(approve, lang=False)
    template = commands.add_parser("template", help="tạo biểu mẫu Excel cho một xã")
    template.add_argument("--period", required=True, type=_period)
    template.add_argument("--unit", required=True, help="mã xã, ví dụ 06847")
    template.add_argument("--out", type=Path, default=None, help="tệp .xlsx (mặc định: bieu-mau-<kỳ>-<mã>.xlsx)")
    _dirs(template)
    ingest = commands.add_parser("ingest", help="nhận tệp Excel/CSV của xã vào data/raw/<kỳ>/")
    ingest.add_argument("--period", required=True, type=_period)
    ingest.add_argument("files", nargs="+", type=Path)
    ingest.add_argument("--replace", action="store_true",
                        help="số liệu sửa: thay lần nộp trước của xã cho biểu đó (bản cũ vẫn được giữ)")
    ingest.add_argument("--by", default="", help="người nộp bản sửa (bắt buộc với --replace)")
    ingest.add_argument("--reason", default="", help="lý do sửa (bắt buộc với --replace)")
    _dirs(ingest)
    _locking(ingest)
    init = commands.add_parser("init", help="bắt đầu một nơi triển khai mới: tệp cấu hình baocao.yml và thư mục dữ liệu")
    init.add_argument("--scope", required=True, type=_scope_arg, help="đơn vị báo cáo mặc định, ví dụ district:<mã huyện>")
    init.add_argument("--period", type=_period, default=None,
                      help="kỳ báo cáo đầu tiên: tạo thư mục raw/<kỳ>/ trống (mặc định: năm nay)")
    init.add_argument("--data-dir", type=Path, default=Path("data"), help="thư mục dữ liệu mới (mặc định: data)")
    return parser


LOG: list[str] = []  # every line a command printed, for its log file


def _say(line: str) -> None:
    LOG.append(line)
    print(line, flush=True)


def _fail(reason: object, status: int) -> int:
    LOG.append(f"LỖI: {reason}")
    print(f"LỖI: {reason}", file=sys.stderr)
    return status


def _write_log(args, status: int) -> None:
    """`<data-dir>/logs/<period>-<UTC time>-<command>.log`: what the command printed, and its status."""
    if not LOG or getattr(args, "period", None) is None or not Path(args.data_dir).is_dir():
        return  # a mistyped --data-dir is not created for a log
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = Path(args.data_dir) / "logs" / f"{args.period}-{stamp}-{args.command}-{os.getpid()}.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join([*LOG, f"mã thoát: {status}"]) + "\n", encoding="utf-8")
    except OSError:
        pass  # no log is no reason to change the outcome


def _latest(args) -> None:
    """`--period latest`: the last closed period of the kind the deployment reports by."""
    if getattr(args, "period", None) == "latest":
        from pipelines.core import deployment
        from pipelines.units.period import Period

        args.period = Period.latest(deployment.load(args.data_dir).period_kind)
        _say(f"Kỳ gần nhất đã kết thúc: {args.period}")


def _parameters(pairs: list[str]) -> dict[str, str]:
    """`number=12` → {"number": "12"}; only the document parameters of REPORT_PARAMETERS."""
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name.strip() not in REPORT_PARAMETERS:
            raise ValueError(f"--param '{pair}' không hợp lệ: dùng TÊN=GIÁ_TRỊ với TÊN là {', '.join(REPORT_PARAMETERS)}")
        found[name.strip()] = value.strip()
    if found.get("report_date"):  # checked here, not 30 s later inside a notebook
        try:
            dt.date.fromisoformat(found["report_date"])
        except ValueError:
            raise ValueError(f"--param report_date={found['report_date']}: cần ngày dạng NNNN-TT-NN, "
                             "ví dụ report_date=2025-01-05") from None
    return found


def _run(args) -> int:
    from pipelines.publish import run

    req = run.request(args.period, args.data_dir, args.reports_dir, (args.lang or ("vi",))[0], args.scope,
                      args.lang, args.edition, args.parameters)
    try:
        published = run.publish_request(req, say=_say, force=args.force, log=LOG)
    except run.ValidationFailed as failure:
        for problem in failure.problems:
            print(problem.message, file=sys.stderr)
        return _fail(failure, EXIT_DATA_ERRORS)
    if not published.unchanged:
        _say("Xong: " + "\n      ".join(str(p) for p in published.reports))
    return EXIT_OK


def _verify(args) -> int:
    from pipelines.publish import verify

    same = verify.verify(args.period, args.data_dir, args.reports_dir, say=_say, lang=args.lang, rebuild=not args.quick)
    _say("Kiểm chứng: KHỚP" if same else "Kiểm chứng: KHÔNG KHỚP (xem các dòng trên)")
    return EXIT_OK if same else EXIT_DIFFERS


def _approve(args) -> int:
    from pipelines.publish import verify

    _say(verify.approve(args.period, args.report, args.by, args.data_dir, args.reports_dir))
    return EXIT_OK


def _validate(args) -> int:
    from pipelines.publish import run

    outcome = run.validate_only(args.period, args.data_dir, args.reports_dir, say=_say, lang=args.lang,
                                scope=args.scope)
    for problem in outcome.problems:
        print(problem.message, file=sys.stderr if problem.severity == "error" else sys.stdout)
    if not outcome.ok:
        return EXIT_DATA_ERRORS
    return EXIT_WARNINGS if outcome.problems else EXIT_OK


def _template(args) -> int:
    from pipelines.intake import template

    path = template.write_template(args.period, args.unit, args.out)
    _say(f"Đã tạo biểu mẫu: {path}")
    return EXIT_OK


def _ingest(args) -> int:
    from pipelines.intake import ingest

    try:
        result = ingest.ingest(args.period, args.files, args.data_dir, say=_say, lang=args.lang,
                               replace=args.replace, by=args.by, reason=args.reason)
    except ingest.IntakeRefused as refused:
        return _fail(refused, EXIT_DATA_ERRORS)
    _say(f"Xong: {result}")
    return EXIT_OK


def _init(args) -> int:
    from pipelines.publish import setup

    for line in setup.init(args.scope, args.data_dir, args.period):
        _say(line)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse has printed the reason; 2 is ours (data errors), so a bad
        return EXIT_FAILED if stop.code == 2 else int(stop.code or 0)  # argument is "any other failure"
    LOG.clear()
    status = _command(args)
    _write_log(args, status)
    return status


def _command(args) -> int:
    from pipelines.core import locks
    from pipelines.core.folders import Folders
    from pipelines.intake.raw import RawDataError

    command = {"run": _run, "validate": _validate, "verify": _verify, "approve": _approve, "template": _template,
               "ingest": _ingest, "init": _init}[args.command]
    try:
        _latest(args)
        if hasattr(args, "param"):
            args.parameters = _parameters(args.param)  # checked before anything runs
        if not hasattr(args, "wait"):
            return command(args)
        Folders.checked(args.data_dir, getattr(args, "reports_dir", None))  # before the lock is made in data_dir
        with locks.period_lock(args.data_dir, args.period, args.wait) as rolled_back:
            if rolled_back:
                _say(f"Đã hoàn tác lần công bố kỳ {args.period} bị ngắt giữa chừng: giữ nguyên bản đã công bố trước đó")
            return command(args)
    except RawDataError as error:
        return _fail(error, EXIT_DATA_ERRORS)
    except locks.Locked as error:
        return _fail(error, EXIT_LOCKED)
    except KeyboardInterrupt:
        return _fail("bị ngắt; báo cáo đã công bố trước đó được giữ nguyên", 130)
    except Exception as error:  # noqa: BLE001 - an unattended run must end with a reason, not a traceback
        return _fail(error, EXIT_FAILED)


if __name__ == "__main__":
    sys.exit(main())
