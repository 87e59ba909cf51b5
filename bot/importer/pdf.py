"""Placeholder: the pdf reader is on its way (same branch, next commits)."""

from __future__ import annotations

from pathlib import Path

from bot.importer.blocks import Document
from bot.importer.read import BriefingReadError


def read(path: Path) -> Document:
    """Not yet: say so plainly."""
    raise BriefingReadError(f"{path.name}: reading .pdf briefings is not available yet")
