"""Files only their owner can read: var/, the databases, logs, the secret key and exports.

var/ holds the conversations, the reflections and the key every pseudonym is hashed with. With
the usual umask (022) it was 0755 and the files in it 0644, so any other account on the machine
could read them. Every entry point we own calls :func:`private_umask` first, so whatever the
process creates (SQLite files and their -wal/-shm, logs, the Teams package) is 0600 or 0700; the
helpers here also cover what existed before and what must never be readable, even briefly.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_UMASK = 0o077
"""New files 0600, new directories 0700."""


def private_umask() -> None:
    """Make everything this process (and its children) creates private to its owner."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """``path`` as a directory only its owner can enter, created if needed, tightened if not."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def create_private_file(path: Path, text: str) -> bool:
    """Create ``path`` holding ``text``, 0600 from the start; ``False`` if it already exists.

    Written to a 0600 temporary file beside it and linked into place, so no other process ever
    sees the file readable by others, or half written (two processes starting at once both
    read the one that won).
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return True


def open_private(path: Path) -> int:
    """A descriptor for writing ``path`` from empty, the file 0600 whether or not it existed.

    For exports: an earlier export at the same path may have been 0644.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return descriptor
