"""Pass every example of a Rasa NLU file through the door's anonymiser, as production does.

Usage: ``python scripts/door_nlu.py IN.yml OUT.yml``. Blind NLU sets are written as practitioners
type (names, numbers); Rasa only ever sees them after the door, so that is what is scored.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from bot.anonymise import anonymise

_ENTITY = re.compile(r"\[([^\]]+)\]\([^)]+\)")


class _Literal(str):
    """A block scalar on output, as Rasa's own files write examples."""


def _literal(dumper: yaml.Dumper, data: _Literal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")


def main(source: str, target: str) -> int:
    """Write ``target`` with every example of ``source`` anonymised (entities dropped)."""
    data = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    blocks = []
    for block in data["nlu"]:
        lines = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
        cleaned = [anonymise(_ENTITY.sub(r"\1", line)).text for line in lines]
        examples = "".join(f"- {line}\n" for line in cleaned)
        blocks.append({"intent": block["intent"], "examples": _Literal(examples)})
    yaml.add_representer(_Literal, _literal)
    Path(target).write_text(
        yaml.dump(
            {"version": "3.1", "nlu": blocks}, sort_keys=False, allow_unicode=True, width=1000
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
