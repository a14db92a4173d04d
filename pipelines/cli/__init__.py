"""Command line: `baocao run|validate|verify|approve|sign|template|ingest|init|sample|status|feedback` (also `python -m pipelines`).

Made for a scheduled run nobody watches: every step is printed as it starts, written to a log
file per run (`<data-dir>/logs/`), the exit status says what happened and the reason goes to
stderr, in the language of the command's --lang. Exit status (pipelines.core.errors): 0 done;
1 warnings only (`validate`) or a file that differs (`verify`); 2 data errors (nothing published,
nothing ingested); 3 any other failure (a bad argument, folders that overlap, a crash, a Dask cluster
out of reach); 4 another run holds the period (see --wait); 5 some reports could not be made,
nothing published; 6 the same, the others published as asked (`--publish-partial`); 7 published,
but the previous version could not be deleted (the next run deletes it); 8 (`status`) forms
missing, late or with errors. A failure
carries its status (`BaocaoError.exit_status`), mapped here in one place (`_command`); anything
else is a defect, reported in one line with status 3. Commands on a period hold its lock
(pipelines.core.locks) from start to end.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from pipelines.cli import packages  # `export` and `import` (issue 20)
from pipelines.cli.parser import REPORT_PARAMETERS, language_asked, parser
from pipelines.core.errors import (EXIT_DATA_ERRORS, EXIT_DIFFERS, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK,
                                   EXIT_PARTIAL, EXIT_WARNINGS, BaocaoError, UsageError)
from pipelines.core.text import Said, failure, t, visible

LOG: list[str] = []  # every line a command printed, for its log file


def _lang(args) -> str:
    """The language of the command's messages: its --lang, the first of `run --lang`, else Vietnamese."""
    lang = getattr(args, "lang", None) or "vi"
    return lang if isinstance(lang, str) else lang[0]


def _tell(line: str, stream=None) -> None:
    """Print a line (standard output unless `stream`) and keep it for the command's log. A reader
    that stops early (`baocao validate … | head -1`) closes the pipe: the rest goes to the log only,
    and the command still ends with the status of what it did, not of the closed pipe.
    Every hidden character but the line break is written visibly (`<U+001B>`), whatever wrote the
    line: values were made visible, line breaks included, where they went into a message
    (pipelines.core.text.t), so a line break left here is one the product meant."""
    line = visible(line, keep="\n")
    LOG.append(line)
    stream = stream or sys.stdout
    try:
        print(line, file=stream, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # later lines, and the exit's flush, go nowhere


def _say(line: str) -> None:
    _tell(line)


def _fail(lang: str, reason: object, status: int) -> int:
    _tell(t(lang, "cli.failed", reason=reason), sys.stderr)
    return status


def _write_log(args, status: int) -> None:
    """`<data-dir>/logs/<period>-<UTC time>-<command>.log`: what the command printed, and its status."""
    if not LOG or getattr(args, "period", None) is None or not Path(args.data_dir).is_dir():
        return  # a mistyped --data-dir is not created for a log
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    from pipelines.core import outputs
    from pipelines.core.folders import INTERNAL_MODES, Folders

    path = Folders.at(args.data_dir).log(f"{args.period}-{stamp}-{args.command}-{os.getpid()}.log")
    try:  # a log holds problem lines with counts of children: owner and group only, like the internal tree
        outputs.make_folder(path.parent, INTERNAL_MODES[0])
        path.write_text("\n".join([*LOG, t(_lang(args), "cli.exit_status", status=status)]) + "\n", encoding="utf-8")
        os.chmod(path, INTERNAL_MODES[1])
    except OSError:
        pass  # no log is no reason to change the outcome


def _latest(args) -> None:
    """`--period latest`: the last closed period of the kind the deployment reports by."""
    if getattr(args, "period", None) == "latest":
        from pipelines.core import deployment
        from pipelines.units.period import Period

        args.period = Period.latest(deployment.load(args.data_dir).period_kind)
        _say(t(_lang(args), "cli.latest", period=args.period))


def _parameters(pairs: list[str]) -> dict[str, str]:
    """`number=12` → {"number": "12"}; only the document parameters of REPORT_PARAMETERS."""
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name.strip() not in REPORT_PARAMETERS:
            raise failure(UsageError, "cli.bad_param", pair=pair, names=", ".join(REPORT_PARAMETERS))
        found[name.strip()] = value.strip()
    if found.get("report_date"):  # checked here, not 30 s later inside a notebook
        try:
            dt.date.fromisoformat(found["report_date"])
        except ValueError:
            raise failure(UsageError, "cli.bad_report_date", value=found["report_date"]) from None
    return found


def _run(args) -> int:
    import dataclasses

    from pipelines.core import text
    from pipelines.publish import fanout, run

    req = run.request(args.period, args.data_dir, args.reports_dir, (args.lang or ("vi",))[0], args.scope,
                      args.lang, args.edition, args.parameters, args.as_of, public_dir=args.public_dir, say=_say)
    req = dataclasses.replace(req, pool=fanout.Pool(args.jobs, args.scheduler or ""), publish_partial=args.publish_partial)
    try:
        published = run.publish_request(req, say=_say, force=args.force, log=LOG)
    except run.ValidationFailed as failure:  # the problems, then the reason and status (`_command`)
        for problem in failure.problems:
            _tell(problem.message, sys.stderr)
        raise
    except run.ReportsFailed as failure:
        for failed in failure.failures:
            _tell(f"{failed.job.stem}: {failed.reason}", sys.stderr)
        raise
    if not published.unchanged:
        _say(t(req.lang, "cli.done", result=Said("\n      ".join(visible(p) for p in published.reports))))
    if published.failed:
        for stem, reason in published.failed.items():
            _tell(f"{stem}: {reason}", sys.stderr)
        return _fail(req.lang, t(req.lang, "cli.partial", published=len(published.reports), failed=len(published.failed)),
                     EXIT_PARTIAL)
    return EXIT_OK


def _verify(args) -> int:
    from pipelines.core import text
    from pipelines.publish import verify

    same = verify.verify(args.period, args.data_dir, args.reports_dir, say=_say, lang=args.lang, rebuild=not args.quick,
                         public_dir=args.public_dir)
    _say(t(args.lang, "cli.verified" if same else "cli.not_verified"))
    return EXIT_OK if same else EXIT_DIFFERS


def _approve(args) -> int:
    from pipelines.publish import verify

    _say(verify.approve(args.period, args.report, args.by, args.data_dir, args.reports_dir, public_dir=args.public_dir))
    return EXIT_OK


def _sign(args) -> int:
    from pipelines.publish import signing

    key = signing.Key(args.pkcs12, args.passphrase_file, args.pkcs11_module or "", args.token_label, args.key_label,
                      args.pin_file)
    appearance = signing.Appearance(args.signature_image, args.seal_image, args.by)
    _say(signing.sign(args.period, args.report, key, appearance, args.data_dir, args.reports_dir, args.lang, args.public_dir))
    return EXIT_OK


def _validate(args) -> int:
    from pipelines.publish import run

    outcome = run.validate_only(args.period, args.data_dir, args.reports_dir, say=_say, lang=args.lang,
                                scope=args.scope, public_dir=args.public_dir, as_of=args.as_of)
    for problem in outcome.problems:
        _tell(problem.message, sys.stderr if problem.severity == "error" else sys.stdout)
    if not outcome.ok:
        return EXIT_DATA_ERRORS
    return EXIT_WARNINGS if outcome.problems else EXIT_OK


def _template(args) -> int:
    from pipelines.intake import template

    path = template.write_template(args.period, args.unit, args.out, args.lang)
    _say(t(args.lang, "cli.template_made", path=path))
    return EXIT_OK


def _ingest(args) -> int:
    from pipelines.intake import ingest

    result = ingest.ingest(args.period, args.files, args.data_dir, say=_say, lang=args.lang,
                           replace=args.replace, by=args.by, reason=args.reason)
    _say(t(args.lang, "cli.done", result=result))
    return EXIT_OK


def _init(args) -> int:
    from pipelines.publish import setup

    for line in setup.init(args.scope, args.data_dir, args.period):
        _say(line)
    return EXIT_OK


def _sample(args) -> int:
    from pipelines.publish import sample

    for line in sample.make_sample(args.scope, args.period, args.data_dir, args.seed):
        _say(line)
    return EXIT_OK


def _status(args) -> int:
    """`baocao status` (issue 19): the table on standard output; 8 until everything is in (pipelines.core.errors)."""
    from pipelines.core import deployment
    from pipelines.core.errors import EXIT_INCOMPLETE
    from pipelines.core.folders import Folders
    from pipelines.core.text import hidden
    from pipelines.publish import scoping, status, status_page

    period = args.period
    chosen = scoping.scope_of(period, args.data_dir, deployment.load(args.data_dir), args.scope, args.lang,
                              lambda line: _tell(line, sys.stderr))  # stdout is the table (CSV, HTML)
    as_of = args.as_of or dt.datetime.now(status.VIETNAM).date()
    found = status.status(Folders.at(args.data_dir, args.reports_dir, args.public_dir), period, chosen, as_of, args.lang)
    write = {"text": status_page.text, "csv": status_page.csv_text, "html": status_page.html}[args.format]
    try:  # the table is the command's output, not a line of its log
        out = write(found, args.lang)
        if any(hidden(char) for char in set(out) - {"\n"}):  # `visible` a character at a time: 18 s for a country
            out = visible(out, keep="\n")
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK if found.complete else EXIT_INCOMPLETE


# --- baocao feedback (issue 19: letters to communes) ---------------------------------------------
def _feedback(args) -> int:
    """Letters to the units with a form missing or data to correct, and the officer's list."""
    from pipelines.publish import feedback

    feedback.feedback(args.period, args.data_dir, args.reports_dir, args.scope, args.as_of, args.lang, say=_say)
    return EXIT_OK


def _export(args) -> int:
    from pipelines.cli import exchange

    return exchange.export(args, _say)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser(language_asked(argv)).parse_args(argv)
    except SystemExit as stop:  # argparse has printed the reason; 2 is ours (data errors), so a bad
        return EXIT_FAILED if stop.code == 2 else int(stop.code or 0)  # argument is "any other failure"
    LOG.clear()
    status = _command(args)
    _write_log(args, status)
    return status


def _command(args) -> int:
    """The command's status: what it returns, or the status its failure carries (pipelines.core.errors)."""
    from pipelines.core import locks, writable
    from pipelines.core.folders import Folders

    command = {"run": _run, "validate": _validate, "verify": _verify, "approve": _approve, "sign": _sign,
               "template": _template, "ingest": _ingest, "init": _init, "sample": _sample,
               "status": _status, "feedback": _feedback, "export": _export,
               "import": lambda args: packages.import_packages(args, _say, _tell)}[args.command]
    lang = _lang(args)
    try:
        _latest(args)
        if hasattr(args, "param"):
            args.parameters = _parameters(args.param)  # checked before anything runs
        if hasattr(args, "reports_dir"):  # the trees: the options, else the settings' `folders:`, else the defaults
            from pipelines.core import deployment

            args.reports_dir, args.public_dir = deployment.trees(args.data_dir, args.reports_dir, args.public_dir)
        if hasattr(args, "wait") or args.command in ("approve", "sign"):  # a command on a period's folders
            folders = Folders.checked(args.data_dir, getattr(args, "reports_dir", None),
                                      getattr(args, "public_dir", None))  # before the lock is made in data_dir
            writable.check(writable.written_by(args.command, folders, args.period), args.command)  # before anything is read
        if not hasattr(args, "wait"):
            return command(args)
        with locks.period_lock(args.data_dir, args.period, args.wait) as rolled_back:
            if rolled_back:
                _say(t(lang, "cli.rolled_back", period=args.period))
            return command(args)
    except BaocaoError as error:  # its message was written from templates: its line breaks are meant
        return _fail(lang, Said(error.text(lang)), error.exit_status)
    except KeyboardInterrupt:
        return _fail(lang, t(lang, "cli.interrupted"), EXIT_INTERRUPTED)
    except Exception as error:  # noqa: BLE001 - a defect: an unattended run must end with a reason, not a traceback
        return _fail(lang, str(error) or type(error).__name__, EXIT_FAILED)


if __name__ == "__main__":
    sys.exit(main())
