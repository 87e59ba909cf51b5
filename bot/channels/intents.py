"""Which ``/intent`` payloads the door lets through as payloads: the domain's own intents.

Plain YAML reading, so the Rasa-free door and its tests need no Rasa import.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def domain_intents(domain_file: Path) -> set[str]:
    """The intents a button payload may name (plus Rasa's own); anything else is user text."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    names = {next(iter(i)) if isinstance(i, dict) else str(i) for i in domain.get("intents", [])}
    return names | {"nlu_fallback", "out_of_scope", "restart", "session_start", "back"}
