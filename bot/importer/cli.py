"""``reflect import BRIEFING --out PACK.yml``: a draft content pack from a briefing file.

The draft is for a person to review, never to publish as it is: the summary says how much was
found and how many values are marked [CHECK], and the next step is always
``bin/reflect packs validate PACK.yml``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.importer.draft import CHECK, draft_yaml, slug
from bot.importer.read import BriefingReadError, read_briefing
from bot.importer.recognise import recognise
from bot.settings.config import Settings
from bot.storage.models import MAX_PACK_ID_LENGTH


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``import`` command's arguments."""
    parser = subparsers.add_parser(
        "import", help="draft a content pack from a briefing (.txt .md .html .docx .pdf)"
    )
    parser.add_argument("briefing", type=Path, help="the briefing file")
    parser.add_argument("--out", type=Path, required=True, help="the draft pack to write (.yml)")
    parser.add_argument("--id", dest="pack_id", default=None, help="pack id (default: file name)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --out file")


def default_id(path: Path) -> str:
    """The pack id from a file name: "Child Q briefing (final).pdf" -> "child-q-briefing-final"."""
    name = path.name.split(".")[0]
    return "-".join(re.findall(r"[a-z0-9]+", name.lower())) or slug(name)


class _Refused(Exception):
    """A usage error: one line for stderr, exit 2."""


#: What --out may be called: the draft is a YAML content pack, and `packs validate` and the
#: loader look for .yml/.yaml (a draft named .txt would be read back as a briefing).
OUT_SUFFIXES = (".yml", ".yaml")


def _pack_id(given: str | None, out_path: Path) -> str:
    """The pack id: --id if given (never empty), else from the --out file name."""
    if given is not None and not given.strip():
        raise _Refused("--id must not be empty (leave it out to use the --out file name)")
    pack_id = given if given is not None else default_id(out_path)
    if len(pack_id) > MAX_PACK_ID_LENGTH:
        raise _Refused(
            f"the pack id must be at most {MAX_PACK_ID_LENGTH} characters "
            f"(got {len(pack_id)}): give a shorter --id"
        )
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", pack_id):
        raise _Refused(f"--id must be lower-case words joined by hyphens, got {pack_id!r}")
    return pack_id


def _check_out(briefing: Path, out_path: Path, *, force: bool) -> None:
    """Refuse an --out that would write somewhere other than a new (or --force) .yml file.

    A symbolic link is refused even when it dangles (lstat, not exists): writing through it
    would create or overwrite whatever it points at. The briefing itself is never overwritten.
    """
    if out_path.suffix.lower() not in OUT_SUFFIXES:
        raise _Refused(f"--out must be a .yml or .yaml file (a content pack), got {out_path.name}")
    if out_path.is_symlink():
        raise _Refused(f"--out {out_path} is a symbolic link: give the real file's path")
    if not out_path.parent.is_dir():
        raise _Refused(f"--out {out_path}: the folder {out_path.parent} does not exist")
    if not out_path.exists():
        return
    if not out_path.is_file():
        raise _Refused(f"--out {out_path} is a folder, not a file")
    if briefing.exists() and out_path.samefile(briefing):
        raise _Refused(f"--out {out_path} is the briefing itself: give the draft another name")
    if not force:
        raise _Refused(f"{out_path} already exists (use --force to overwrite it)")


def _write(path: Path, text: str) -> None:
    """Write the draft in one step, 0600 like every file reflect writes.

    A temporary file beside it is renamed over ``path``, so a draft is never half written and
    a link put in its place meanwhile is replaced, not written through.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def run(settings: Settings, out: TextIO, args: argparse.Namespace) -> int:
    """Read, recognise, write the draft, and say what was found and what to do next."""
    del settings  # the importer reads no settings: it writes only the file it is given
    try:
        pack_id = _pack_id(args.pack_id, args.out)
        _check_out(args.briefing, args.out, force=args.force)
        draft = recognise(read_briefing(args.briefing))
        text = draft_yaml(
            draft, pack_id=pack_id, source_name=args.briefing.name, today=date.today()
        )
        _write(args.out, text)
    except (_Refused, BriefingReadError) as exc:
        print(f"reflect: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"reflect: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    print(
        f"Wrote {args.out}: {len(draft.learning)} learning, "
        f"{len(draft.recommendations)} recommendations, {len(draft.questions)} questions, "
        f"{len(draft.links)} links, {len(draft.contacts)} contacts, "
        f"{text.count(CHECK.strip())} marks to check.",
        file=out,
    )
    print(
        f"Next: review every [CHECK], then run `bin/reflect packs validate {args.out}`.", file=out
    )
    return 0
