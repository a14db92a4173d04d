"""`baocao export --format package` and `baocao import`: the command-line side of packages (issue 20).

Apart from pipelines.cli and its parser so that the other formats of `export` (SDMX, DHIS2, ADX)
can join `export` without touching these lines: `add_export` and `add_import` declare the options,
`export` and `import_packages` run the commands. `export` answers format `package` here; a format
of the exchange registry is handed to it when that registry is present (`EXPORTERS`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from pipelines.core.errors import EXIT_DATA_ERRORS, EXIT_OK, UsageError
from pipelines.core.text import failure, t

PACKAGE = "package"
# Other formats of `baocao export`, by name: a function of the parsed arguments that writes the export
# and returns the lines to say (the exchange formats register here when merged).
EXPORTERS: dict[str, Callable] = {}


def add_export(commands, period, say, dirs, locking) -> None:
    export = commands.add_parser("export", help=say("help.export"))
    export.add_argument("--period", required=True, type=period, help=say("help.period"))
    export.add_argument("--format", required=True, help=say("help.export.format"))
    export.add_argument("--out", type=Path, default=Path("."), help=say("help.export.out"))
    dirs(export, say)
    locking(export, say)


def add_import(commands, period, say, scope, locking) -> None:
    imported = commands.add_parser("import", help=say("help.import"))
    imported.add_argument("--period", required=True, type=period, help=say("help.period"))
    imported.add_argument("packages", nargs="+", type=Path, help=say("help.import.packages"))
    imported.add_argument("--scope", default=None, type=scope, help=say("help.import.scope"))
    imported.add_argument("--data-dir", type=Path, default=Path("data"), help=say("help.data_dir"))
    imported.add_argument("--lang", choices=("vi", "en"), default="vi", help=say("help.lang"))
    imported.set_defaults(reports_dir=None, public_dir=None)  # not written; the trees are still checked apart
    locking(imported, say)


def export(args, say: Callable[[str], None]) -> int:
    """The package of the period's published run into `--out`, or an export of another format."""
    from pipelines.core.folders import Folders
    from pipelines.intake.packages import hash_file
    from pipelines.publish import package

    if args.format != PACKAGE:
        if args.format in EXPORTERS:
            for line in EXPORTERS[args.format](args):
                say(line)
            return EXIT_OK
        raise failure(UsageError, "packages.bad_format", format=args.format,
                      formats=", ".join([PACKAGE, *sorted(EXPORTERS)]))
    folders = Folders.at(args.data_dir, args.reports_dir, args.public_dir)
    path = package.export(folders, args.period, args.out)
    say(t(args.lang, "packages.exported", path=path, hash_file=hash_file(path).name))
    return EXIT_OK


def import_packages(args, say: Callable[[str], None], tell: Callable[..., None]) -> int:
    """Check and store the packages; each refusal one line on stderr (file and reason), status 2."""
    from pipelines.core import deployment
    from pipelines.core.folders import Folders
    from pipelines.publish import imports, scoping

    site = deployment.load(args.data_dir)
    scope = scoping.scope_of(args.period, args.data_dir, site, args.scope, args.lang, lambda line: tell(line, sys.stderr))
    try:
        stored = imports.import_packages(Folders.at(args.data_dir), args.period, args.packages, scope)
    except imports.ImportRefused as refused:
        for line in refused.lines_in(args.lang):
            tell(line, sys.stderr)
        return EXIT_DATA_ERRORS
    say(imports.said(args.lang, stored))
    return EXIT_OK
