"""Static instances of the report's variable font, made once per process.

Why: Noto Serif ships as two *variable* fonts (weight and width axes). WeasyPrint turns each face a
PDF uses into a static font with fontTools' instancer, for every PDF: about 0.35 s a face, well over
half of a fact sheet's PDF time, paid again for each of thousands of reports. Making the four faces
the reports use (regular, bold, italic, bold italic) once, into a private temporary folder, and
declaring them as four ordinary @font-face rules leaves WeasyPrint only the subsetting to do.

Each static face has its own advances, so Pango lays bold text out with bold widths (declaring a
weight on the variable file instead gives bold outlines on regular advances: cramped words). The
instances carry the source font's own timestamp, so the bytes of a PDF do not depend on when or in
which process its fonts were made.

Instancing a whole face (3,830 glyphs and their kerning) takes 10-15 s, so the faces are made once
per machine, not per process: into the user's cache folder (`$XDG_CACHE_HOME/baocao/fonts`, else
`~/.cache/baocao/fonts`), under a key of the source font's bytes and the fontTools version, one
process at a time (a file lock), each file written aside and renamed into place. Where no cache
folder can be written, a private temporary folder serves the process.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

FACES = (("normal", 400), ("normal", 700), ("italic", 400), ("italic", 700))


def variable_files() -> tuple[Path, Path]:
    """Noto Serif upright and italic variable fonts from ``fontpkg-noto-serif``.

    Resolved at run time from the installed package (never copied into the repo), so the licence
    and updates stay with the font package."""
    import fontpkg_noto_serif

    folder = Path(fontpkg_noto_serif.ROOT) / "files"
    return folder / "NotoSerif[wdth,wght].ttf", folder / "NotoSerif-Italic[wdth,wght].ttf"


@functools.lru_cache(maxsize=1)
def static_faces() -> dict[tuple[str, int], Path]:
    """(style, weight) → a static TrueType file of that face, made on first use on this machine."""
    import fontTools
    from filelock import FileLock

    upright, italic = variable_files()
    key = hashlib.sha256(upright.read_bytes() + italic.read_bytes() + fontTools.version.encode()).hexdigest()[:16]
    try:
        folder = _cache_root() / key
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / ".lock")
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="baocao-fonts-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        lock = contextlib.nullcontext()
    made = {face: folder / f"NotoSerif-{face[0]}-{face[1]}.ttf" for face in FACES}
    with lock:
        for (style, weight), path in made.items():
            if not path.is_file():
                _instance(italic if style == "italic" else upright, weight, path)
    return made


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "baocao" / "fonts"


def _instance(source: Path, weight: int, path: Path) -> None:
    """The static face of `source` at `weight` (normal width), written aside then renamed into place."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    with TTFont(source) as font:
        modified = font["head"].modified
        face = instantiateVariableFont(font, {"wght": weight, "wdth": 100}, static=True, updateFontNames=True)
        face["head"].modified = modified
        face.recalcTimestamp = False
        aside = path.with_name(f".{path.name}.{os.getpid()}")
        face.save(aside)
    os.replace(aside, path)


def font_face_css() -> str:
    """One @font-face rule per static face (file:// URLs: for the PDF only, they are machine-specific)."""
    return "".join(f'@font-face {{ font-family: "Noto Serif"; font-style: {style}; font-weight: {weight}; '
                   f'src: url("{path.as_uri()}"); }}\n' for (style, weight), path in static_faces().items())
