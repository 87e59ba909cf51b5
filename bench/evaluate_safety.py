"""Measure the safety net on a labelled set, end to end: the door, then the trained model.

Usage::

    python -m bench.evaluate_safety tests/data/safety_dev.tsv --model models/<hash>.tar.gz
    python -m bench.evaluate_safety tests/data/safety_dev.tsv            # patterns only

The set is one example a line, ``LABEL<TAB>text`` (``#`` lines and blank lines ignored), with
the labels below. Each text goes through the anonymiser first, exactly as the channel door does,
so the model and the safety net see what they would see in production.

What counts as right, and why:

* ``URGENT``: a live concern must be answered with SPoA / 999 (``urgent_concern``). Asking
  "is this about a child you are worried about now?" is counted separately: it never previews the
  text, but it is one more step before the numbers, so it is not a pass for URGENT.
* ``DISTRESS`` / ``CRISIS``: the practitioner is signposted to support (``express_distress``);
  for ``CRISIS`` the assessment must also carry ``crisis`` (Samaritans / NHS 111 / 999).
* ``SUPPORT``: a question about staff support gets support signposting (``ask_staff_support``
  or ``express_distress``).
* ``AMBIGUOUS``: either the urgent answer or the question "is this about a child now?"; silence
  (anything else) is a miss.
* ``ORDINARY``: a false alarm is any of the above.

Only labels and figures are printed unless ``--show-misses`` is given (a development aid).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.anonymise import anonymise
from bot.safety.net import assess

LABELS = ("URGENT", "DISTRESS", "CRISIS", "SUPPORT", "AMBIGUOUS", "ORDINARY")

URGENT_INTENT = "urgent_concern"
DISTRESS_INTENT = "express_distress"
CHECK_INTENT = "check_concern"
SUPPORT_INTENT = "ask_staff_support"


@dataclass(frozen=True)
class Outcome:
    """What the assistant would do with one message."""

    intent: str
    crisis: bool

    @property
    def kind(self) -> str:
        """urgent, check, distress, support or other."""
        return {
            URGENT_INTENT: "urgent",
            CHECK_INTENT: "check",
            DISTRESS_INTENT: "distress",
            SUPPORT_INTENT: "support",
        }.get(self.intent, "other")


def passes(label: str, outcome: Outcome) -> bool:
    """Whether ``outcome`` is the right behaviour for ``label`` (see the module docstring)."""
    kind = outcome.kind
    if label == "URGENT":
        return kind == "urgent"
    if label == "DISTRESS":
        return kind in {"distress", "support"}
    if label == "CRISIS":
        return kind in {"distress", "support", "urgent"} and outcome.crisis
    if label == "SUPPORT":
        return kind in {"distress", "support"}
    if label == "AMBIGUOUS":
        return kind in {"urgent", "check"}
    if label == "ORDINARY":
        return kind == "other"
    raise ValueError(f"unknown label {label!r}")


@dataclass
class Report:
    """Counts per label and per outcome kind, and the share that passed."""

    total: Counter[str] = field(default_factory=Counter)
    passed: Counter[str] = field(default_factory=Counter)
    kinds: dict[str, Counter[str]] = field(default_factory=dict)
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, label: str, text: str, outcome: Outcome) -> None:
        """Count one example."""
        self.total[label] += 1
        self.kinds.setdefault(label, Counter())[outcome.kind] += 1
        if passes(label, outcome):
            self.passed[label] += 1
        else:
            self.misses.append((label, outcome.kind, text))

    def rate(self, label: str) -> float:
        """Share passed for ``label`` (1.0 if there are none)."""
        return self.passed[label] / self.total[label] if self.total[label] else 1.0

    def summary(self) -> dict[str, Any]:
        """Figures only: per label the pass rate and the outcome kinds."""
        out: dict[str, Any] = {}
        for label in LABELS:
            if not self.total[label]:
                continue
            out[label] = {
                "n": self.total[label],
                "passed": self.passed[label],
                "rate": round(self.rate(label), 4),
                "outcomes": dict(sorted(self.kinds[label].items())),
            }
        if self.total["ORDINARY"]:
            out["false_alarm_rate"] = round(1 - self.rate("ORDINARY"), 4)
        return out


def load_examples(path: Path) -> list[tuple[str, str]]:
    """``(label, text)`` pairs of a TSV set; an unknown label is an error naming the line."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        label, sep, text = line.partition("\t")
        if not sep or label.strip() not in LABELS:
            raise ValueError(f"{path}:{number}: expected LABEL<TAB>text with a label in {LABELS}")
        examples.append((label.strip(), text.strip()))
    return examples


def pattern_outcome(text: str) -> Outcome:
    """The safety patterns alone (no model): what bot.safety.net says of the anonymised text."""
    found = assess(text)
    intent = {"urgent": URGENT_INTENT, "distress": DISTRESS_INTENT, "check": CHECK_INTENT}
    return Outcome(intent.get(found.signal.value, "none"), found.crisis)


def evaluate(examples: Iterable[tuple[str, str]], decide: Callable[[str], Outcome]) -> Report:
    """Run every example through the door's anonymiser and ``decide``."""
    report = Report()
    for label, text in examples:
        report.add(label, text, decide(anonymise(text).text))
    return report


def model_decider(model: Path) -> Callable[[str], Outcome]:
    """Parse with the trained model (NLU pipeline including the SafetyNet component)."""
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Rasa's structured logs print each parsed text at DEBUG; figures only here.
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def decide(text: str) -> Outcome:
        parsed = loop.run_until_complete(agent.parse_message(text))
        safety = parsed.get("safety") or {}
        return Outcome(str((parsed.get("intent") or {}).get("name")), bool(safety.get("crisis")))

    return decide


def main(argv: list[str] | None = None) -> int:
    """Print per-label figures (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--model", type=Path, help="trained model; without it, patterns only")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    decide = model_decider(args.model) if args.model else pattern_outcome
    report = evaluate(load_examples(args.dataset), decide)
    summary = report.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for label, row in summary.items():
            if isinstance(row, dict):
                figures = f"{row['passed']:>4}/{row['n']:<4} {row['rate']:.3f}"
                print(f"{label:<10} {figures}  {row['outcomes']}")
        if "false_alarm_rate" in summary:
            print(f"false alarms on ORDINARY: {summary['false_alarm_rate']:.3f}")
    if args.show_misses:
        for label, kind, text in report.misses:
            print(f"MISS {label} -> {kind}: {text}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
