"""Records a hand edit cannot pass: the deployment's secret key and the MACs made with it.

Why: a SHA-256 written beside a file proves nothing against whoever can write both (change a PDF,
write its new hash into manifest.json; edit a signer's name in approvals/<period>.jsonl; forge a
line with the right hash; empty the file). A keyed MAC (HMAC-SHA256) can only be made with the key,
which lives in the data folder (`Folders.secret_key`, 0600, never inside a published tree), made on
first need. So:

- a JSON document (the manifest) carries `"seal"`: the MAC of its content without the seal;
- an append-only JSON-lines record (approvals) gives each line the MAC of its content chained to the
  previous line's MAC (the first is chained to the record's name), so no line can be edited, forged,
  moved or dropped; a head file beside it holds the count and the last MAC (itself keyed), so an
  emptied or shortened record is detected too. Removing both the record and its head looks like
  "never approved": that needs a copy of the head elsewhere (README: "Keys and seals").

Losing the key makes every seal unverifiable (said as such, never as "changed"); README says how to
re-key. What a MAC proves is what the key's holder wrote: it is a check against hand edits, not a
signature a third party can verify (that is `baocao sign`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from pipelines.core import errors
from pipelines.core.folders import Folders
from pipelines.core.text import failure

SEAL = "seal"  # the key of the MAC in a sealed JSON document
MAC = "mac"    # the key of the MAC in a line of a chained record


class NotKeyed(errors.UsageError):
    """A keyed record that cannot be checked or written: no key, or a line that is not a record."""


class KeyMissing(NotKeyed):
    """The deployment's key is gone while keyed records exist."""


def key(folders: Folders, create: bool = False) -> bytes | None:
    """The deployment's secret key; made (32 random bytes, file mode 0600) when `create` and missing,
    else None when missing."""
    path = folders.secret_key
    if path.is_file():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    if not create:
        return None
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made by another command meanwhile
        return key(folders)
    with os.fdopen(handle, "w", encoding="ascii") as stream:
        stream.write(secrets.token_hex(32) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    return key(folders)


def required(folders: Folders) -> bytes:
    found = key(folders)
    if found is None:
        raise failure(KeyMissing, "keyed.no_key", path=folders.secret_key)
    return found


def mac(secret: bytes, *parts: object) -> str:
    """HMAC-SHA256 of JSON-able parts (canonical JSON: sorted keys, no spaces)."""
    message = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


# --- a sealed JSON document ---
def seal(content: str, secret: bytes) -> str:
    """`content` (a JSON object written with indent=1, sorted keys) with its seal added."""
    found = json.loads(content)
    found.pop(SEAL, None)
    found[SEAL] = mac(secret, "document", found)
    return json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def sealed(content: str, secret: bytes) -> bool | None:
    """True when the document's seal is the MAC of its content; False when it differs or is
    missing; None when the content is not a JSON object."""
    try:
        found = json.loads(content)
    except ValueError:
        return None
    if not isinstance(found, dict):
        return None
    given = found.pop(SEAL, None)
    return isinstance(given, str) and hmac.compare_digest(given, mac(secret, "document", found))


# --- a chained JSON-lines record ---
def _start(path: Path) -> str:
    return path.name  # the first line is chained to the record's name: lines cannot move between periods


def append(path: Path, head: Path, entry: dict, secret: bytes) -> None:
    """Add one entry to the record at `path` (checked first: nothing is added to a record that was
    edited) and rewrite its head."""
    entries = read(path, head, secret)
    previous = entries[-1][MAC] if entries else _start(path)
    line = {**entry, MAC: mac(secret, "line", previous, entry)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    _write_head(head, {"count": len(entries) + 1, "last": line[MAC]}, secret)


def _write_head(head: Path, record: dict, secret: bytes) -> None:
    staged = head.with_name(head.name + ".tmp")
    staged.write_text(seal(json.dumps(record), secret), encoding="utf-8")
    os.replace(staged, head)  # a head is never half written


def read(path: Path, head: Path, secret: bytes | None) -> list[dict]:
    """Every entry of the record, each with its MAC, after checking the chain and the head; NotKeyed
    naming the file (and line) otherwise. Without a record and a head: no entries."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    if not lines and not head.is_file():
        return []
    if secret is None:
        raise failure(KeyMissing, "keyed.no_key_for", path=path)
    entries, previous = [], _start(path)
    for number, line in enumerate(lines, 1):
        try:
            entry = json.loads(line)
        except ValueError:
            raise failure(NotKeyed, "keyed.not_a_line", path=path, line=number) from None
        if not isinstance(entry, dict) or not isinstance(entry.get(MAC), str):
            raise failure(NotKeyed, "keyed.not_a_line", path=path, line=number)
        content = {name: value for name, value in entry.items() if name != MAC}
        if not hmac.compare_digest(entry[MAC], mac(secret, "line", previous, content)):
            raise failure(NotKeyed, "keyed.line_changed", path=path, line=number)
        entries.append(entry)
        previous = entry[MAC]
    _check_head(path, head, entries, secret)
    return entries


def _check_head(path: Path, head: Path, entries: list[dict], secret: bytes) -> None:
    if not head.is_file():
        raise failure(NotKeyed, "keyed.no_head", path=path, head=head)
    content = head.read_text(encoding="utf-8")
    if not sealed(content, secret):
        raise failure(NotKeyed, "keyed.head_changed", head=head)
    record = json.loads(content)
    if record.get("count") != len(entries) or (entries and record.get("last") != entries[-1][MAC]):
        raise failure(NotKeyed, "keyed.lines_removed", path=path, expected=record.get("count"), found=len(entries))
