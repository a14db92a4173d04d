"""Command line: `baocao run --period 2024` (also `python -m pipelines run ...`).

Made for a scheduled run nobody watches: every step is printed as it starts, the exit status says
what happened (0 published, 2 data errors, 1 any other failure) and the reason goes to stderr.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_FAILED, EXIT_DATA_ERRORS = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baocao", description="Báo cáo trẻ em: kiểm tra, tính chỉ tiêu, xuất báo cáo")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="chạy trọn một kỳ báo cáo: kiểm tra, tính chỉ tiêu, xuất HTML và PDF")
    run.add_argument("--period", required=True, help="kỳ báo cáo, ví dụ 2024")
    run.add_argument("--data-dir", default="data", help="thư mục chứa raw/ và processed/ (mặc định: data)")
    run.add_argument("--reports-dir", default="reports", help="thư mục báo cáo (mặc định: reports)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from pipelines import run  # after parsing, so --help is instant
    from pipelines.raw import RawDataError

    def say(line: str) -> None:
        print(line, flush=True)

    try:
        published = run.run_period(args.period, args.data_dir, args.reports_dir, say=say)
    except run.ValidationFailed as failure:
        for problem in failure.problems:
            print(problem.message, file=sys.stderr)
        print(f"LỖI: {failure}", file=sys.stderr)
        return EXIT_DATA_ERRORS
    except RawDataError as error:
        print(f"LỖI: {error}", file=sys.stderr)
        return EXIT_DATA_ERRORS
    except KeyboardInterrupt:
        print("LỖI: bị ngắt; báo cáo đã công bố trước đó được giữ nguyên", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - a scheduled run must end with a reason, not a traceback
        print(f"LỖI: {error}", file=sys.stderr)
        return EXIT_FAILED
    say(f"Xong: {published.html}\n      {published.pdf}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
