"""`baocao export --period P --format F [--edition internal|public] [--out DIR]`: data that travels.

`FORMATS` is the registry of the exchange formats: a format name → a writer of {file: bytes} from
the period's rows (pipelines.publish.exports.WRITERS); another format is one more entry. `--format
package` is the other kind of export, the whole published period as one file for the level above
(pipelines.cli.packages, which also holds `import`). Without
`--out`, the files are published with the period, in the tree of their edition, and recorded in its
manifest, so that `baocao verify` checks them and every later run makes them again; with `--out DIR`
they are written into DIR only. The period must have been published by a run (its processed data and
manifest are what is exported); the command holds the period's lock like every command on a period.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.core.text import t
from pipelines.publish.exports import EDITIONS, WRITERS

FORMATS = dict(WRITERS)  # format name → writer(Rows) → {file name: bytes}
PACKAGE = "package"      # the period's processed data and manifest for the level above (pipelines.cli.packages)


def add_parser(commands, period, say, dirs, locking) -> None:
    """The `export` command's arguments (pipelines.cli.parser)."""
    export = commands.add_parser("export", help=say("help.export"))
    export.add_argument("--period", required=True, type=period, help=say("help.period"))
    export.add_argument("--format", required=True, choices=sorted([*FORMATS, PACKAGE]), help=say("help.export.format"))
    export.add_argument("--edition", choices=EDITIONS, default="internal", help=say("help.export.edition"))
    export.add_argument("--out", type=Path, default=None, help=say("help.export.out"))
    dirs(export, say)
    locking(export, say)


def export(args: argparse.Namespace, say) -> int:
    """Make one export of a published period; its files are named on standard output."""
    from pipelines.core import deployment
    from pipelines.core.errors import EXIT_OK
    from pipelines.core.folders import Folders
    from pipelines.publish.exports import publish

    if args.format == PACKAGE:
        from pipelines.cli import packages

        return packages.export(args, say)
    folders = Folders.checked(args.data_dir, args.reports_dir, args.public_dir)
    site = deployment.load(folders.data)
    record, files = publish.make(folders, args.period, args.format, args.edition, site, args.lang)
    if args.out is not None:
        written = publish.write_out(args.out, files)
    else:
        written = publish.publish(folders, args.period, record, args.format, args.edition, files, args.lang)
    say(t(args.lang, "exchange.written", format=args.format, edition=args.edition, period=args.period,
          files=", ".join(str(path) for path in written)))
    return EXIT_OK
