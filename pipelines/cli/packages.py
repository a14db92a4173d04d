"""`baocao export --format package` and `baocao import`: the command-line side of packages (issue 20).

Apart from pipelines.cli and its parser: `export` (pipelines.cli.exchange, which declares the
options of every format) hands format `package` to `export` here; `add_import` declares the options
of `import`, and `import_packages` runs it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from pipelines.core.errors import EXIT_DATA_ERRORS, EXIT_OK, UsageError
from pipelines.core.text import failure, t


def add_import(commands, period, say, scope, locking) -> None:
    imported = commands.add_parser("import", help=say("help.import"))
    imported.add_argument("--period", required=True, type=period, help=say("help.period"))
    imported.add_argument("packages", nargs="+", type=Path, help=say("help.import.packages"))
    imported.add_argument("--scope", default=None, type=scope, help=say("help.import.scope"))
    imported.add_argument("--replace", action="store_true", help=say("help.import.replace"))
    imported.add_argument("--data-dir", type=Path, default=Path("data"), help=say("help.data_dir"))
    imported.add_argument("--lang", choices=("vi", "en"), default="vi", help=say("help.lang"))
    imported.set_defaults(reports_dir=None, public_dir=None)  # not written; the trees are still checked apart
    locking(imported, say)


def export(args, say: Callable[[str], None]) -> int:
    """The package of the period's published run into `--out` (the current folder by default), with
    the SDMX-CSV export of the same figures and its structure under `sdmx/` (issue 20: a receiver
    that reads SDMX needs nothing of ours). A package holds the internal processed data: it travels
    between offices and is never public."""
    from pipelines.core import deployment
    from pipelines.core.folders import Folders
    from pipelines.intake.packages import hash_file
    from pipelines.publish import package
    from pipelines.publish.exports import publish as exchange

    if args.edition != "internal":
        raise failure(UsageError, "packages.internal_only")
    folders = Folders.at(args.data_dir, args.reports_dir, args.public_dir)
    _, sdmx = exchange.make(folders, args.period, "sdmx-csv", "internal", deployment.load(folders.data), args.lang)
    extra = {f"{package.SDMX}{name}": data for name, data in sorted(sdmx.items())}
    path = package.export(folders, args.period, args.out or Path("."), extra)
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
        stored = imports.import_packages(Folders.at(args.data_dir), args.period, args.packages, scope, args.replace)
    except imports.ImportRefused as refused:
        for line in refused.lines_in(args.lang):
            tell(line, sys.stderr)
        return EXIT_DATA_ERRORS
    say(imports.said(args.lang, stored))
    return EXIT_OK
