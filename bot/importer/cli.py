"""``reflect import BRIEFING --out PACK.yml``: a draft content pack from a briefing file.

The draft is for a person to review, never to publish as it is: the summary says how much was
found and how many values are marked [CHECK], and the next step is always
``bin/reflect packs validate PACK.yml``.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from bot.importer.draft import CHECK, draft_yaml, slug
from bot.importer.read import BriefingReadError, read_briefing
from bot.importer.recognise import recognise
from bot.settings.config import Settings


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


def run(settings: Settings, out: TextIO, args: argparse.Namespace) -> int:
    """Read, recognise, write the draft, and say what was found and what to do next."""
    del settings  # the importer reads no settings: it writes only the file it is given
    pack_id = args.pack_id or default_id(args.out)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", pack_id):
        print(
            f"reflect: --id must be lower-case words joined by hyphens, got {pack_id!r}",
            file=sys.stderr,
        )
        return 2
    if args.out.exists() and not args.force:
        print(f"reflect: {args.out} already exists (use --force to overwrite it)", file=sys.stderr)
        return 2
    try:
        draft = recognise(read_briefing(args.briefing))
    except BriefingReadError as exc:
        print(f"reflect: {exc}", file=sys.stderr)
        return 2
    text = draft_yaml(draft, pack_id=pack_id, source_name=args.briefing.name, today=date.today())
    args.out.write_text(text, encoding="utf-8")
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
