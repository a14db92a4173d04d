"""The command line's arguments: every command, its options, and the values parsed once here.

Why apart from the commands: values that carry meaning (a period, a scope, a list of variants) are
parsed into their types at this edge, with a message naming what was typed, and argparse's
definitions are long; the commands (pipelines.cli) only use what this gives them.

The help texts and the reasons for a refused option are in the locale store (`help.*` in
pipelines/locales/<lang>/help.yml), in the language `parser(lang)` is built for. argparse prints
them while it parses, before `--lang` is known, so `pipelines.cli.main` picks the language from a
light look at the arguments first (`language_asked`); argparse adds its own English words around
them (usage:, options:, error:).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli import packages
from pipelines.core.text import LANGS, t

# Parameters of the report notebook that say who issues the document, set per run with --param.
REPORT_PARAMETERS = ("issuing_body", "place", "number", "report_date", "signer", "signer_title", "recipients")


def language_asked(argv: list[str]) -> str:
    """The language of the help and argument errors: the first of `--lang en`, `--lang=en` or
    `--lang vi,en` in `argv` when it is one we have, else Vietnamese. Parsing proper comes later."""
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
        elif arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        else:
            continue
        first = value.split(",")[0].strip()
        return first if first in LANGS else "vi"
    return "vi"


def _dirs(command: argparse.ArgumentParser, say, lang: bool = True) -> None:
    command.add_argument("--data-dir", type=Path, default=Path("data"), help=say("help.data_dir"))
    command.add_argument("--reports-dir", type=Path, default=None, help=say("help.reports_dir"))
    command.add_argument("--public-dir", type=Path, default=None, help=say("help.public_dir"))
    if lang:
        command.add_argument("--lang", choices=LANGS, default="vi", help=say("help.lang"))


def _choices(allowed: tuple[str, ...], say):
    """`vi,en` → ("vi", "en"): a comma-separated list, each item one of `allowed`."""
    def parse(value: str) -> tuple[str, ...]:
        items = tuple(item.strip() for item in value.split(",") if item.strip())
        wrong = [item for item in items if item not in allowed]
        if not items or wrong:
            raise argparse.ArgumentTypeError(say("help.bad.choices", value=value, allowed=", ".join(allowed)))
        return items
    return parse


def _period(lang: str):
    """`--period 2024`: parsed once here into a Period (pipelines.units.period); `latest` is resolved
    with the deployment's settings once the data folder is known (`_latest`)."""
    def parse(value: str):
        from pipelines.units.period import Period, PeriodError

        if value == "latest":
            return value
        try:
            return Period.parse(value)
        except PeriodError as error:
            raise argparse.ArgumentTypeError(error.text(lang)) from None
    return parse


def _scope_arg(value: str):
    """`--scope district:198`: parsed once here into a Scope (pipelines.units.scope)."""
    from pipelines.units.scope import Scope

    try:
        return Scope.parse(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _jobs(say):
    """`--jobs 4`: a whole number of worker processes, at least 1."""
    def parse(value: str) -> int:
        if not value.isdigit() or int(value) < 1:
            raise argparse.ArgumentTypeError(say("help.bad.jobs", value=value))
        return int(value)
    return parse


def _scheduler(say):
    """`--scheduler tcp://10.0.0.5:8786`: the address of a Dask scheduler."""
    def parse(value: str) -> str:
        scheme, sep, rest = value.partition("://")
        host, _, port = rest.rpartition(":")
        if not sep or scheme not in ("tcp", "tls") or not host or not port.isdigit():
            raise argparse.ArgumentTypeError(say("help.bad.scheduler", value=value))
        return value
    return parse


def _locking(command: argparse.ArgumentParser, say) -> None:
    command.add_argument("--wait", type=float, default=0, metavar=say("help.seconds"), help=say("help.wait"))


def _sign(sign: argparse.ArgumentParser, period, say) -> None:
    """`baocao sign`: the key is a PKCS#12 file or a key on a PKCS#11 token, one of the two."""
    sign.add_argument("--period", required=True, type=period, help=say("help.period"))
    sign.add_argument("--report", required=True, type=Path, help=say("help.sign.report"))
    key = sign.add_mutually_exclusive_group(required=True)
    key.add_argument("--pkcs12", type=Path, help=say("help.sign.pkcs12"))
    key.add_argument("--pkcs11-module", help=say("help.sign.pkcs11_module"))
    sign.add_argument("--passphrase-file", type=Path, help=say("help.sign.passphrase_file"))
    sign.add_argument("--token-label", default="", help=say("help.sign.token_label"))
    sign.add_argument("--key-label", default="", help=say("help.sign.key_label"))
    sign.add_argument("--pin-file", type=Path, help=say("help.sign.pin_file"))
    sign.add_argument("--signature-image", required=True, type=Path, help=say("help.sign.signature_image"))
    sign.add_argument("--seal-image", type=Path, help=say("help.sign.seal_image"))
    sign.add_argument("--by", required=True, help=say("help.sign.by"))
    _dirs(sign, say)
    _locking(sign, say)


def parser(lang: str = "vi") -> argparse.ArgumentParser:
    """Every command and option, with help and argument errors in `lang`."""
    def say(key: str, **values) -> str:
        return t(lang, key, **values)

    period = _period(lang)
    parser = argparse.ArgumentParser(prog="baocao", description=say("help.description"))
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help=say("help.run"))
    run.add_argument("--period", required=True, type=period, help=say("help.period"))
    run.add_argument("--scope", default=None, type=_scope_arg, help=say("help.run.scope"))
    run.add_argument("--edition", type=_choices(("internal", "public"), say), default=None, help=say("help.run.edition"))
    run.add_argument("--lang", type=_choices(LANGS, say), default=None, help=say("help.run.lang"))
    run.add_argument("--param", action="append", default=[], metavar=say("help.run.param_metavar"),
                     help=say("help.run.param", parameters=", ".join(REPORT_PARAMETERS)))
    run.add_argument("--force", action="store_true", help=say("help.run.force"))
    run.add_argument("--jobs", type=_jobs(say), default=0, metavar="N", help=say("help.run.jobs"))
    run.add_argument("--scheduler", type=_scheduler(say), default=None, metavar=say("help.run.scheduler_metavar"),
                     help=say("help.run.scheduler"))
    run.add_argument("--publish-partial", action="store_true", help=say("help.run.publish_partial"))
    run.add_argument("--as-of", type=_day(say, "help.bad.as_of"), default=None, metavar="YYYY-MM-DD",
                     help=say("help.run.as_of"))
    _dirs(run, say, lang=False)
    _locking(run, say)
    validate = commands.add_parser("validate", help=say("help.validate"))
    validate.add_argument("--period", required=True, type=period, help=say("help.period"))
    validate.add_argument("--scope", default=None, type=_scope_arg, help=say("help.validate.scope"))
    validate.add_argument("--as-of", type=_day(say, "help.bad.as_of"), default=None, metavar="YYYY-MM-DD",
                          help=say("help.run.as_of"))
    _dirs(validate, say)
    _locking(validate, say)
    verify = commands.add_parser("verify", help=say("help.verify"))
    verify.add_argument("--period", required=True, type=period, help=say("help.period"))
    verify.add_argument("--quick", action="store_true", help=say("help.verify.quick"))
    _dirs(verify, say)
    _locking(verify, say)
    approve = commands.add_parser("approve", help=say("help.approve"))
    approve.add_argument("--period", required=True, type=period, help=say("help.period"))
    approve.add_argument("--report", required=True, type=Path, help=say("help.approve.report"))
    approve.add_argument("--by", required=True, help=say("help.approve.by"))
    _dirs(approve, say, lang=False)
    _sign(commands.add_parser("sign", help=say("help.sign")), period, say)
    template = commands.add_parser("template", help=say("help.template"))
    template.add_argument("--period", required=True, type=period)
    template.add_argument("--unit", required=True, help=say("help.template.unit"))
    template.add_argument("--out", type=Path, default=None, help=say("help.template.out"))
    _dirs(template, say)
    ingest = commands.add_parser("ingest", help=say("help.ingest"))
    ingest.add_argument("--period", required=True, type=period)
    ingest.add_argument("files", nargs="+", type=Path)
    ingest.add_argument("--replace", action="store_true", help=say("help.ingest.replace"))
    ingest.add_argument("--by", default="", help=say("help.ingest.by"))
    ingest.add_argument("--reason", default="", help=say("help.ingest.reason"))
    _dirs(ingest, say)
    _locking(ingest, say)
    init = commands.add_parser("init", help=say("help.init"))
    init.add_argument("--scope", required=True, type=_scope_arg, help=say("help.init.scope"))
    init.add_argument("--period", type=period, default=None, help=say("help.init.period"))
    init.add_argument("--data-dir", type=Path, default=Path("data"), help=say("help.init.data_dir"))
    sample = commands.add_parser("sample", help=say("help.sample"))
    sample.add_argument("--scope", required=True, type=_scope_arg, help=say("help.sample.scope"))
    sample.add_argument("--period", required=True, type=period, help=say("help.sample.period"))
    sample.add_argument("--data-dir", type=Path, required=True, help=say("help.sample.data_dir"))
    sample.add_argument("--seed", type=int, default=0, help=say("help.sample.seed"))
    _status(commands.add_parser("status", help=say("help.status")), period, say)
    _feedback(commands.add_parser("feedback", help=say("help.feedback")), period, say)
    from pipelines.cli import exchange  # issue 20: data that travels

    exchange.add_parser(commands, period, say, _dirs, _locking)
    packages.add_import(commands, period, say, _scope_arg, _locking)
    return parser


def _day(say, key: str):
    """The type of a `--as-of` option: an ISO date, or argparse's error in the store's words (`key`)."""
    def day(value: str):
        import datetime as dt

        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise argparse.ArgumentTypeError(say(key, value=value)) from None
    return day


def _status(status: argparse.ArgumentParser, period, say) -> None:
    """`baocao status` (issue 19): who has sent what for a period (pipelines.publish.status)."""
    status.add_argument("--period", required=True, type=period, help=say("help.period"))
    status.add_argument("--scope", default=None, type=_scope_arg, help=say("help.status.scope"))
    status.add_argument("--as-of", type=_day(say, "help.bad.as_of"), default=None, help=say("help.status.as_of"))
    status.add_argument("--format", choices=("text", "csv", "html"), default="text", help=say("help.status.format"))
    _dirs(status, say)


# --- baocao feedback (issue 19: letters to communes) ---------------------------------------------
def _feedback(feedback: argparse.ArgumentParser, period, say) -> None:
    """`baocao feedback --period P [--scope S] [--as-of DATE] [--lang vi|en]`: the internal tree only."""
    from pipelines.core.deadlines import GRACE_DAYS

    feedback.add_argument("--period", required=True, type=period, help=say("help.period"))
    feedback.add_argument("--scope", default=None, type=_scope_arg, help=say("help.feedback.scope"))
    feedback.add_argument("--as-of", type=_day(say, "help.feedback.bad_date"), default=None, metavar="YYYY-MM-DD",
                          help=say("help.feedback.as_of", days=GRACE_DAYS))
    feedback.add_argument("--data-dir", type=Path, default=Path("data"), help=say("help.data_dir"))
    feedback.add_argument("--reports-dir", type=Path, default=None, help=say("help.reports_dir"))
    feedback.add_argument("--lang", choices=LANGS, default="vi", help=say("help.lang"))
    feedback.set_defaults(public_dir=None)  # not written; the trees are still checked apart (pipelines.cli._command)
    _locking(feedback, say)
