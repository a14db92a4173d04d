"""Vietnamese text as offices type it: the TCVN3 (ABC) table, which encoding a file uses, numbers.

Why this module exists: many commune offices still type in the ABC fonts (.VnTime, .VnArial),
which store Vietnamese in the single-byte TCVN3 encoding. Saved as CSV, or typed into Excel in an
ABC font, such text reads as Latin-1 mojibake: "X· §ång V¨n" is "Xã Đồng Văn". Other offices
export Windows-1258 (cp1258), where tones are separate combining marks, or UTF-16 ("Unicode text"
from Excel). A report must never show mojibake and never guess: what cannot be read with certainty
is refused, with the reason (`Unreadable`, in Vietnamese or English), so the office can save the
file again as Unicode. Numbers are read the vi_VN way (`number`): "." and spaces group thousands,
"," marks decimals; a "1,234" that could be either is refused rather than guessed.

Source of the table: TCVN 5712:1993 (Vietnamese standard code for information interchange, VN1),
as transcribed in the XFree86 X-TrueType font server (`extras/X-TrueType/TCVN/TCVNtoUCS2.c`,
1998, T. Shiozaki and P. Saratxaga, from N.-D. Quy's description) and in XFree86/libiconv
`tcvn.h`; the 75 entries below were checked byte by byte against glibc `iconv -f TCVN5712-1`.
TCVN3 (VN3, the table of the ABC fonts) is the subset of VN1 that keeps, at the same byte values,
the 67 lower-case letters with diacritics and the 7 capitals without a tone (Ă Â Ê Ô Ơ Ư Đ).
Capitals with a tone are typed with the ABC "H" fonts (.VnTimeH), which draw the lower-case
positions as capitals: the bytes do not say whether a letter was a capital, so converted text is
lower case there (names are compared case-folded and replaced by the official spelling anyway).
Bytes that only VN1 uses (toned capitals at 0x80-0x9F, 0xAF, 0xBA, 0xBF-0xC5, 0xCD, 0xD9-0xDB,
0xE0, 0xF0, 0xFF; combining marks at 0xB0-0xB4) are not converted: they make a text uncertain.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from pipelines.core import errors
from pipelines.core.text import t

# Byte → letter, by runs of consecutive bytes (TCVN 5712:1993, VN3 subset; see the module docstring).
# Data, not words: the character tables of the encoding (here and `LETTERS`, `plain` below) stay in code.
_RUNS = {0xA1: "ĂÂÊÔƠƯĐăâêôơưđ", 0xB5: "àảãáạ", 0xBB: "ằẳẵắ", 0xC6: "ặầẩẫấậè", 0xCE: "ẻẽéẹềểễếệìỉ",
         0xDC: "ĩíịò", 0xE1: "ỏõóọồổỗốộờởỡớợù", 0xF1: "ủũúụừửữứựỳỷỹýỵ"}
TABLE: dict[int, str] = {start + i: letter for start, run in _RUNS.items() for i, letter in enumerate(run)}
TABLE[0xA0] = "\u00a0"  # no-break space, as in Latin-1 (thousands separators)

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # Vietnamese letters: each vowel with each tone
LETTERS = frozenset(unicodedata.normalize("NFC", base + tone)
                    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY" for tone in _TONES) | set("đĐ")
LETTERS = frozenset(c for c in LETTERS if not c.isascii())
_SPACES = "[ \u00a0\u202f\u2009]"  # spaces that group thousands: plain, no-break, narrow, thin
SAFE = frozenset("\u00a0\u202f\u2009\u2013\u2014\u2018\u2019\u201c\u201d\u2026")  # spaces, dashes, quotes


class Unreadable(errors.DataError):
    """Text that cannot be read with certainty; `message(lang, where)` says why, for an officer
    (`intake.unreadable.<reason>` in locales/<lang>/intake.yml)."""

    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.reason, self.details = reason, details

    def message(self, lang: str, where: str) -> str:
        return t(lang, f"intake.unreadable.{self.reason}", where=where, **self.details)


def is_vietnamese(text: str) -> bool:
    """Printable ASCII, tabs and line breaks, Vietnamese letters (NFC) and a few typographic marks."""
    return all((c.isascii() and (c.isprintable() or c in "\t\r\n")) or c in LETTERS or c in SAFE for c in text)


def plain(text: str) -> str:
    """Comparison key: NFC, no diacritics (đ → d), case-folded, runs of space, _ and - as one space."""
    bare = "".join(c for c in unicodedata.normalize("NFD", str(text)) if not unicodedata.combining(c))
    return re.sub(r"[\s_\-]+", " ", bare.replace("đ", "d").replace("Đ", "D").casefold()).strip()


def fix(text: str) -> tuple[str, bool]:
    """One cell: (NFC Unicode text, True if it was converted from TCVN3); `Unreadable` if uncertain.

    A cell is TCVN3 only when it holds characters that are not Vietnamese letters but are TCVN3
    bytes read as Latin-1 ("·", "§", "¨", ...); a cell of Vietnamese letters is kept as Unicode.
    """
    text = unicodedata.normalize("NFC", text)
    if is_vietnamese(text):
        return text, False
    if all(ord(c) < 0x100 for c in text):
        odd = sorted({c for c in text if ord(c) >= 0x80 and ord(c) not in TABLE})
        if not odd:
            return "".join(TABLE.get(ord(c), c) for c in text), True
    else:
        odd = sorted({c for c in text if not is_vietnamese(c)})
    raise Unreadable("uncertain_text", value=text, chars=" ".join(odd))


def number(text: str) -> str:
    """A count as typed → canonical text: "1.234", "1 234" → "1234"; decimal comma "2,5" → "2.5"
    (kept, for validation to report that it is not whole); "1,234" → `Unreadable`; else as typed."""
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    if re.fullmatch(rf"\d{{1,3}}(?:\.\d{{3}})+|\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d{{1,3}}(?:,\d{{3}}){{2,}}", body):
        return sign + re.sub(r"\D", "", body)
    decimal = re.fullmatch(rf"(\d{{1,3}}(?:(?:\.|{_SPACES})\d{{3}})*|\d+),(\d+)", body)
    if decimal and re.fullmatch(r"[1-9]\d{0,2}", decimal[1]) and len(decimal[2]) == 3:
        raise Unreadable("ambiguous_number", value=text, whole=decimal[1] + decimal[2], decimal=f"{decimal[1]},{decimal[2]}")
    return sign + re.sub(r"\D", "", decimal[1]) + "." + decimal[2] if decimal else text


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_vn3(data: bytes) -> str:
    """Bytes in TCVN3 → text; `Unreadable` at the first byte outside the VN3 subset."""
    out = []
    for i, byte in enumerate(data):
        if byte < 0x80 and (chr(byte).isprintable() or byte in b"\t\r\n"):
            out.append(chr(byte))
        elif byte in TABLE:
            out.append(TABLE[byte])
        else:
            raise Unreadable("bad_byte", byte=byte, line=_line_of(data, i))
    return "".join(out)


def _score(text: str, vocabulary: frozenset[str]) -> int:
    return sum(word in vocabulary for word in re.findall(r"\w+", text.lower()) if not word.isascii())


def decode(data: bytes, vocabulary: frozenset[str] = frozenset()) -> tuple[str, str]:
    """(text, encoding name) of a text file; `Unreadable` when the encoding is not certain.

    Order: a BOM decides (UTF-8, UTF-16); then strict UTF-8; then the single-byte candidates,
    Windows-1258 (NFC, must read as Vietnamese) and TCVN3 (every byte in the VN3 table). When both
    read, the one whose words are found in `vocabulary` (words of official unit names) more often
    wins; a tie is refused.
    """
    for bom, codec, name in ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
                             (codecs.BOM_UTF16_BE, "utf-16", "UTF-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError:
                raise Unreadable("bad_unicode", encoding=name) from None
    if b"\x00" in data:
        raise Unreadable("nul")  # UTF-16 without a BOM, or not a text file at all
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as err:
        if err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            raise Unreadable("truncated_utf8") from None
    candidates, refusal = [], None
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
        if is_vietnamese(text):
            candidates.append((text, "Windows-1258"))
    except UnicodeDecodeError:
        pass
    try:
        candidates.append((decode_vn3(data), "TCVN3 (ABC)"))
    except Unreadable as err:
        refusal = err
    if len(candidates) == 2:
        scores = [_score(text, vocabulary) for text, _ in candidates]
        if scores[0] == scores[1]:
            raise Unreadable("ambiguous_encoding")
        candidates = [candidates[scores.index(max(scores))]]
    if not candidates:
        raise refusal
    return candidates[0]

