"""The words a draft pack says to the person reviewing it, from bot/importer/defaults.yml.

Placeholders and review notes are wording, so they live in a data file like every other
sentence Reflect writes, not in the importer's code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULTS_FILE = Path(__file__).with_name("defaults.yml")


@cache
def _loaded() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def placeholders() -> dict[str, str]:
    """What a draft says where the briefing says nothing (each marked [CHECK])."""
    return {str(k): str(v) for k, v in _loaded().items() if k != "reasons"}


def reason(key: str) -> str:
    """Why a value is marked [CHECK], or another note for the reviewer."""
    return str(_loaded()["reasons"][key])
