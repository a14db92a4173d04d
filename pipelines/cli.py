"""Command line: `baocao run|validate|template|ingest` (also `python -m pipelines ...`).

Made for a scheduled run nobody watches: every step is printed as it starts, the exit status says
what happened and the reason goes to stderr. Exit status: 0 done; 1 any other failure; 2 data
errors (nothing published, nothing ingested); `validate` also returns 1 for warnings only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_DATA_ERRORS = 0, 1, 2
EXIT_WARNINGS = 1
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
    """`--period 2024`: parsed once here into a Period (pipelines.units.period)."""
    from pipelines.units.period import Period, PeriodError

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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baocao", description="Báo cáo trẻ em: kiểm tra, tính chỉ tiêu, xuất báo cáo")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="chạy trọn một kỳ báo cáo: kiểm tra, tính chỉ tiêu, xuất HTML và PDF")
    run.add_argument("--period", required=True, type=_period, help="kỳ báo cáo, ví dụ 2024, 2024-H1, 2024-Q3")
    run.add_argument("--scope", default=None, type=_scope_arg, help="đơn vị báo cáo: commune:<mã>, district:<mã> (trước 7/2025), province:<mã>")
    run.add_argument("--edition", type=_choices(("internal", "public")), default=None,
                     help="ấn bản: internal (nội bộ, đủ số liệu), public (công khai, ẩn số nhỏ nhạy cảm), "
                          "hoặc internal,public (mặc định: theo project.yml)")
    run.add_argument("--lang", type=_choices(("vi", "en")), default=None,
                     help="ngôn ngữ báo cáo: vi, en hoặc vi,en; thông báo theo ngôn ngữ đầu tiên (mặc định: theo project.yml)")
    run.add_argument("--param", action="append", default=[], metavar="TÊN=GIÁ_TRỊ",
                     help="tham số văn bản của báo cáo chính (không áp cho phiếu từng xã): "
                          + ", ".join(REPORT_PARAMETERS) + "; ví dụ --param number=12 --param signer='Hoàng Văn A'")
    _dirs(run, lang=False)
    validate = commands.add_parser("validate", help="chỉ kiểm tra dữ liệu của một kỳ (0: đạt, 1: có cảnh báo, 2: có lỗi)")
    validate.add_argument("--period", required=True, type=_period)
    validate.add_argument("--scope", default=None, type=_scope_arg, help="như với run")
    _dirs(validate)
    template = commands.add_parser("template", help="tạo biểu mẫu Excel cho một xã")
    template.add_argument("--period", required=True, type=_period)
    template.add_argument("--unit", required=True, help="mã xã, ví dụ 06847")
    template.add_argument("--out", type=Path, default=None, help="tệp .xlsx (mặc định: bieu-mau-<kỳ>-<mã>.xlsx)")
    _dirs(template)
    ingest = commands.add_parser("ingest", help="nhận tệp Excel/CSV của xã vào data/raw/<kỳ>/")
    ingest.add_argument("--period", required=True, type=_period)
    ingest.add_argument("files", nargs="+", type=Path)
    _dirs(ingest)
    init = commands.add_parser("init", help="bắt đầu một nơi triển khai mới: tệp cấu hình baocao.yml và thư mục dữ liệu")
    init.add_argument("--scope", required=True, type=_scope_arg, help="đơn vị báo cáo mặc định, ví dụ district:<mã huyện>")
    init.add_argument("--period", type=_period, default=None,
                      help="kỳ báo cáo đầu tiên: tạo thư mục raw/<kỳ>/ trống (mặc định: năm nay)")
    init.add_argument("--data-dir", type=Path, default=Path("data"), help="thư mục dữ liệu mới (mặc định: data)")
    return parser


def _say(line: str) -> None:
    print(line, flush=True)


def _fail(reason: object, status: int) -> int:
    print(f"LỖI: {reason}", file=sys.stderr)
    return status


def _parameters(pairs: list[str]) -> dict[str, str]:
    """`number=12` → {"number": "12"}; only the document parameters of REPORT_PARAMETERS."""
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name.strip() not in REPORT_PARAMETERS:
            raise ValueError(f"--param '{pair}' không hợp lệ: dùng TÊN=GIÁ_TRỊ với TÊN là {', '.join(REPORT_PARAMETERS)}")
        found[name.strip()] = value.strip()
    return found


def _run(args) -> int:
    from pipelines.publish import run

    try:
        published = run.run_period(args.period, args.data_dir, args.reports_dir, say=_say,
                                   lang=(args.lang or ("vi",))[0], scope=args.scope,
                                   languages=args.lang, report_editions=args.edition,
                                   parameters=_parameters(args.param))
    except run.ValidationFailed as failure:
        for problem in failure.problems:
            print(problem.message, file=sys.stderr)
        return _fail(failure, EXIT_DATA_ERRORS)
    _say("Xong: " + "\n      ".join(str(p) for p in published.reports))
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
        result = ingest.ingest(args.period, args.files, args.data_dir, say=_say, lang=args.lang)
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
    from pipelines.intake.raw import RawDataError

    command = {"run": _run, "validate": _validate, "template": _template, "ingest": _ingest, "init": _init}[args.command]
    try:
        return command(args)
    except RawDataError as error:
        return _fail(error, EXIT_DATA_ERRORS)
    except KeyboardInterrupt:
        return _fail("bị ngắt; báo cáo đã công bố trước đó được giữ nguyên", 130)
    except Exception as error:  # noqa: BLE001 - an unattended run must end with a reason, not a traceback
        return _fail(error, EXIT_FAILED)


if __name__ == "__main__":
    sys.exit(main())
