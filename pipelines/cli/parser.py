"""The command line's arguments: every command, its options, and the values parsed once here.

Why apart from the commands: values that carry meaning (a period, a scope, a list of variants) are
parsed into their types at this edge, with a message in Vietnamese naming what was typed, and
argparse's definitions are long; the commands (pipelines.cli) only use what this gives them.

The help texts and argparse's own messages stay here, in Vietnamese only, on purpose: they are
written before --lang is parsed (argparse prints them while parsing, and adds its own English words
around them), so no language choice could reach them; moving them to the locale store would give
one language a reader cannot choose, at the cost of a lookup per option at every start.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.core.text import LANGS

# Parameters of the report notebook that say who issues the document, set per run with --param.
REPORT_PARAMETERS = ("issuing_body", "place", "number", "report_date", "signer", "signer_title", "recipients")


def _dirs(command: argparse.ArgumentParser, lang: bool = True) -> None:
    command.add_argument("--data-dir", type=Path, default=Path("data"), help="thư mục chứa raw/ và processed/ (mặc định: data)")
    command.add_argument("--reports-dir", type=Path, default=Path("reports"), help="thư mục báo cáo (mặc định: reports)")
    if lang:
        command.add_argument("--lang", choices=LANGS, default="vi", help="ngôn ngữ thông báo (mặc định: vi)")


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


def _jobs(value: str) -> int:
    """`--jobs 4`: a whole number of worker processes, at least 1."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}': cần một số nguyên từ 1 trở lên")
    return int(value)


def _scheduler(value: str) -> str:
    """`--scheduler tcp://10.0.0.5:8786`: the address of a Dask scheduler."""
    scheme, sep, rest = value.partition("://")
    host, _, port = rest.rpartition(":")
    if not sep or scheme not in ("tcp", "tls") or not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"'{value}': cần địa chỉ bộ lập lịch Dask dạng tcp://MÁY:CỔNG, ví dụ tcp://10.0.0.5:8786")
    return value


def _locking(command: argparse.ArgumentParser) -> None:
    command.add_argument("--wait", type=float, default=0, metavar="GIÂY",
                         help="nếu kỳ đang được lần chạy khác xử lý: chờ tối đa GIÂY giây (mặc định 0: dừng ngay, mã thoát 4)")


PERIOD_HELP = "kỳ báo cáo, ví dụ 2024, 2024-H1, 2024-Q3, hoặc latest (kỳ gần nhất đã kết thúc, theo period: trong baocao.yml)"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baocao", description="Báo cáo trẻ em: kiểm tra, tính chỉ tiêu, xuất báo cáo")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="chạy trọn một kỳ báo cáo: kiểm tra, tính chỉ tiêu, xuất HTML và PDF")
    run.add_argument("--period", required=True, type=_period, help=PERIOD_HELP)
    run.add_argument("--scope", default=None, type=_scope_arg, help="đơn vị báo cáo: commune:<mã>, district:<mã> (trước 7/2025), province:<mã>")
    run.add_argument("--edition", type=_choices(("internal", "public")), default=None,
                     help="ấn bản: internal (nội bộ, đủ số liệu), public (công khai, ẩn số nhỏ nhạy cảm), "
                          "hoặc internal,public (mặc định: theo project.yml)")
    run.add_argument("--lang", type=_choices(LANGS), default=None,
                     help="ngôn ngữ báo cáo: vi, en hoặc vi,en; thông báo theo ngôn ngữ đầu tiên (mặc định: theo project.yml)")
    run.add_argument("--param", action="append", default=[], metavar="TÊN=GIÁ_TRỊ",
                     help="tham số văn bản của báo cáo chính (không áp cho phiếu từng xã): "
                          + ", ".join(REPORT_PARAMETERS) + "; ví dụ --param number=12 --param signer='Hoàng Văn A'")
    run.add_argument("--force", action="store_true", help="làm lại tất cả, kể cả khi đầu vào, mã nguồn và tham số không đổi")
    run.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                     help="số tiến trình làm báo cáo song song trên máy này (mặc định: số lõi CPU)")
    run.add_argument("--scheduler", type=_scheduler, default=None, metavar="tcp://MÁY:CỔNG",
                     help="làm báo cáo trên một cụm Dask có sẵn thay vì trên máy này; mọi máy trạm cần cùng phiên "
                          "bản gói và thấy thư mục dữ liệu ở cùng đường dẫn (README)")
    run.add_argument("--publish-partial", action="store_true",
                     help="nếu vài báo cáo không làm được: vẫn công bố các báo cáo còn lại (mã thoát 6)")
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
    sample = commands.add_parser("sample", help="tạo bộ số liệu GIẢ LẬP cho một xã, huyện, tỉnh hoặc cả nước (national), "
                                               "để dùng thử hoặc đo tốc độ")
    sample.add_argument("--scope", required=True, type=_scope_arg, help="national, province:<mã>, district:<mã> hoặc commune:<mã>")
    sample.add_argument("--period", required=True, type=_period, help="kỳ báo cáo, ví dụ 2024, 2025-H2")
    sample.add_argument("--data-dir", type=Path, required=True, help="thư mục dữ liệu (tạo nếu chưa có)")
    sample.add_argument("--seed", type=int, default=0, help="hạt giống: cùng hạt giống, cùng số liệu (mặc định 0)")
    return parser
