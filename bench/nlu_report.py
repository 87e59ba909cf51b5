"""Summarise `rasa test nlu` output: per-intent table and macro-F1, with a floor that fails CI.

Reads the intent_report.json Rasa writes; intents absent from the held-out split (Rasa adds
nlu_fallback when the fallback fires) are listed but kept out of the macro average.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

_AGGREGATES = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def per_intent(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Intent rows of a Rasa intent report (aggregate rows dropped)."""
    return {
        name: row
        for name, row in report.items()
        if name not in _AGGREGATES and isinstance(row, dict) and "f1-score" in row
    }


def macro_f1(report: dict[str, Any]) -> float:
    """Unweighted mean F1 over intents that the held-out split actually contains."""
    rows = [row for row in per_intent(report).values() if row.get("support", 0) > 0]
    if not rows:
        raise ValueError("the report has no intents with support")
    return sum(float(row["f1-score"]) for row in rows) / len(rows)


def render(report: dict[str, Any]) -> str:
    """A fixed-width table: intent, precision, recall, F1, support."""
    lines = [f"{'intent':<22} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>4}"]
    for name, row in sorted(per_intent(report).items()):
        lines.append(
            f"{name:<22} {row['precision']:>6.3f} {row['recall']:>6.3f} "
            f"{row['f1-score']:>6.3f} {int(row.get('support', 0)):>4}"
        )
    lines.append(f"{'macro-F1 (held-out)':<22} {macro_f1(report):>20.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 when macro-F1 is under the floor."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path)
    parser.add_argument("--min-macro-f1", type=float, default=0.0)
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text())
    print(render(report))
    score = macro_f1(report)
    if score < args.min_macro_f1:
        print(f"macro-F1 {score:.3f} is below the floor {args.min_macro_f1:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
