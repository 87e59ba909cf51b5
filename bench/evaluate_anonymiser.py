"""Measure the anonymiser on a marked-up dev set: recall per type, over-redaction, speed.

Usage::

    python -m bench.evaluate_anonymiser tests/data/anonymisation_dev.txt [--json] [--show-misses]
    python -m bench.evaluate_anonymiser tests/data/blind/anonymisation_blind_1.txt --rules

The dev-set format is one text a line (blank lines and ``#`` lines ignored) with identifiers
marked inline as ``[[TYPE:original text]]``. The parsing and metric functions are importable so
other tools (the Presidio comparison) score their detectors the same way::

    examples = load_devset(path)
    scores = score(examples, detect_fn)          # detect_fn(text) -> list[Span]
    median_ms, p95_ms = time_per_message(examples, fn)

Metrics, and why:

* **Recall (covered)**: an identifier counts as caught if every character of it is inside some
  detected span, of any type. A NAME redacted as PLACE is still protected.
* **Strict recall**: the same, but the covering spans must have the gold type.
* **Fully cleaned**: share of texts with identifiers in which every identifier was caught: one
  miss in a message is one leak.
* **Over-redaction**: share of ordinary word tokens (not part of any identifier) that a span
  touched; the cost practitioners pay in lost meaning.
* **Precision-ish**: share of detected spans that overlap a gold identifier.

``--rules`` adds, per name rule (``bot.anonymise.names.NAME_RULES``, then the passes after them),
how many words it decided and how many of those were right: a true name for a rule that found a
name, an ordinary word for one that ruled a word out. Then, for each missed name and each
ordinary word lost inside a NAME span, which rules fired on it ("none": another layer, such as a
first-name-and-surname pair or a repeat of a name found once, or nothing at all).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.anonymise.spans import TYPES, Span

if TYPE_CHECKING:  # importing the names layer would need the whole anonymiser (presidio_compare)
    from bot.anonymise.names import RuleHit

__all__ = [
    "Example",
    "Miss",
    "RuleNote",
    "RuleReport",
    "RuleTally",
    "Scores",
    "TypeScore",
    "load_devset",
    "main",
    "parse_line",
    "rule_report",
    "score",
    "time_per_message",
]

_MARK = re.compile(r"\[\[([A-Z_]+):(.*?)\]\]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

DetectFn = Callable[[str], Sequence[Span]]


@dataclass(frozen=True)
class Example:
    """One dev-set text with its gold identifiers.

    Attributes:
        text: The clean text (markup removed).
        gold: Gold identifier spans on ``text``.
    """

    text: str
    gold: list[Span]


@dataclass
class TypeScore:
    """Counts for one identifier type.

    Attributes:
        total: Gold identifiers of this type.
        caught: Fully covered by detected spans of any type.
        strict: Fully covered by detected spans of this type.
    """

    total: int = 0
    caught: int = 0
    strict: int = 0

    @property
    def recall(self) -> float:
        """Share caught (1.0 when there are none)."""
        return self.caught / self.total if self.total else 1.0

    @property
    def strict_recall(self) -> float:
        """Share caught with the right type."""
        return self.strict / self.total if self.total else 1.0


@dataclass(frozen=True)
class Miss:
    """A missed identifier, a spurious span or a lost word (for --show-misses).

    Attributes:
        line: 1-based index of the text in the dev set (comments and blank lines not counted).
        type: Identifier type (or "WORD" for a lost ordinary word).
        text: The string concerned.
        context: The whole text.
    """

    line: int
    type: str
    text: str
    context: str


@dataclass
class Scores:
    """Everything :func:`score` measures. See the module docstring for definitions."""

    per_type: dict[str, TypeScore] = field(default_factory=dict)
    texts: int = 0
    texts_with_identifiers: int = 0
    texts_fully_cleaned: int = 0
    texts_without_identifiers: int = 0
    clean_texts_untouched: int = 0
    identifiers: int = 0
    caught: int = 0
    strict: int = 0
    word_tokens: int = 0
    words_over_redacted: int = 0
    detected_spans: int = 0
    spurious_spans: int = 0
    misses: list[Miss] = field(default_factory=list)
    spurious: list[Miss] = field(default_factory=list)
    lost_words: list[Miss] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Identifier-level recall (covered, any type)."""
        return self.caught / self.identifiers if self.identifiers else 1.0

    @property
    def strict_recall(self) -> float:
        """Identifier-level recall with the right type."""
        return self.strict / self.identifiers if self.identifiers else 1.0

    @property
    def fully_cleaned(self) -> float:
        """Share of texts with identifiers in which all were caught."""
        n = self.texts_with_identifiers
        return self.texts_fully_cleaned / n if n else 1.0

    @property
    def over_redaction(self) -> float:
        """Share of ordinary word tokens touched by a detected span."""
        return self.words_over_redacted / self.word_tokens if self.word_tokens else 0.0

    @property
    def precision(self) -> float:
        """Share of detected spans overlapping some gold identifier."""
        n = self.detected_spans
        return (n - self.spurious_spans) / n if n else 1.0

    def summary(self) -> dict[str, object]:
        """A JSON-ready summary (no identifier strings, only figures)."""
        return {
            "texts": self.texts,
            "texts_with_identifiers": self.texts_with_identifiers,
            "texts_without_identifiers": self.texts_without_identifiers,
            "identifiers": self.identifiers,
            "recall": round(self.recall, 4),
            "strict_recall": round(self.strict_recall, 4),
            "fully_cleaned": round(self.fully_cleaned, 4),
            "clean_texts_untouched": self.clean_texts_untouched,
            "over_redaction": round(self.over_redaction, 4),
            "words_over_redacted": self.words_over_redacted,
            "word_tokens": self.word_tokens,
            "detected_spans": self.detected_spans,
            "spurious_spans": self.spurious_spans,
            "precision": round(self.precision, 4),
            "per_type": {
                t: {
                    **asdict(s),
                    "recall": round(s.recall, 4),
                    "strict_recall": round(s.strict_recall, 4),
                }
                for t, s in self.per_type.items()
            },
        }


def parse_line(line: str) -> Example:
    """Turn one marked-up line into clean text plus gold spans.

    Args:
        line: e.g. ``"Spoke to mum [[NAME:Sarah]] in [[PLACE:Hove]]"``.

    Returns:
        The :class:`Example`.

    Raises:
        ValueError: If a mark uses an unknown type.
    """
    parts: list[str] = []
    gold: list[Span] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(line):
        kind, original = m.group(1), m.group(2)
        if kind not in TYPES:
            raise ValueError(f"unknown identifier type {kind!r}")
        before = line[pos : m.start()]
        parts.append(before)
        length += len(before)
        gold.append(Span(length, length + len(original), kind))
        parts.append(original)
        length += len(original)
        pos = m.end()
    parts.append(line[pos:])
    return Example(text="".join(parts), gold=gold)


def load_devset(path: str | Path) -> list[Example]:
    """Load a dev set: one text a line; blank lines and ``#`` comment lines are ignored.

    Args:
        path: The dev-set file.

    Returns:
        Parsed examples, in file order.
    """
    examples = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            examples.append(parse_line(line))
    return examples


def load_conversations(path: str | Path) -> list[list[Example]]:
    """Load a conversation set: ``=== ...`` starts a conversation, then one message a line.

    Measures whether an identifier given early in a conversation is caught when it comes back
    alone later ("[[NAME:Hill]] said no").
    """
    conversations: list[list[Example]] = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("==="):
            conversations.append([])
        elif line and not line.startswith("#"):
            if not conversations:
                raise ValueError(f"{path}: a message before the first '=== conversation' line")
            conversations[-1].append(parse_line(line))
    return conversations


def conversation_spans(
    conversations: Sequence[Sequence[Example]], hits: list[list[RuleHit]] | None = None
) -> list[list[Span]]:
    """Spans for every message, each conversation remembering what it redacted, as the door does.

    Plain tokens stand in for the door's keyed hashes (the matching is the same).

    Args:
        conversations: From :func:`load_conversations`.
        hits: If given, each message's name-rule decisions are appended to it (``--rules``).
    """
    from bot.anonymise.memory import detect_in_conversation
    from bot.anonymise.names import RuleHit
    from bot.anonymise.normalise import normalise

    out: list[list[Span]] = []
    for conversation in conversations:
        memory: dict[str, str] = {}
        for example in conversation:
            normalised = normalise(example.text)
            trace: list[RuleHit] | None = None if hits is None else []
            known = memory.get if memory else None
            spans, tokens = detect_in_conversation(normalised.text, known, trace)
            for token, kind in tokens.items():
                memory.setdefault(token, kind)
            back = normalised.original_span
            out.append([Span(*back(s.start, s.end), s.type) for s in spans])
            if hits is not None and trace is not None:
                hits.append([RuleHit(*back(h.start, h.end), h.rule, h.name) for h in trace])
    return out


def _covered(
    text: str, start: int, end: int, spans: Sequence[Span], kind: str | None = None
) -> bool:
    """Every non-space character of text[start:end] lies inside a span (of ``kind``, if given).

    Spaces are ignored so that "Sarah Jones" caught as "Sarah" + "Jones" still counts as caught.
    """
    relevant = [s for s in spans if kind is None or s.type == kind]
    return all(
        any(s.start <= pos < s.end for s in relevant)
        for pos in range(start, end)
        if not text[pos].isspace()
    )


def score(examples: Sequence[Example], detect_fn: DetectFn) -> Scores:
    """Score a detector on examples.

    Args:
        examples: From :func:`load_devset`.
        detect_fn: Maps text to spans on that text (for us, :func:`bot.anonymise.detect`).

    Returns:
        The :class:`Scores`.
    """
    sc = Scores(per_type={t: TypeScore() for t in TYPES})
    for line_no, ex in enumerate(examples, start=1):
        spans = list(detect_fn(ex.text))
        sc.texts += 1
        sc.detected_spans += len(spans)
        if ex.gold:
            sc.texts_with_identifiers += 1
        else:
            sc.texts_without_identifiers += 1
            sc.clean_texts_untouched += not spans
        all_caught = True
        for g in ex.gold:
            ts = sc.per_type.setdefault(g.type, TypeScore())
            ts.total += 1
            sc.identifiers += 1
            if _covered(ex.text, g.start, g.end, spans):
                ts.caught += 1
                sc.caught += 1
            else:
                all_caught = False
                sc.misses.append(Miss(line_no, g.type, ex.text[g.start : g.end], ex.text))
            if _covered(ex.text, g.start, g.end, spans, g.type):
                ts.strict += 1
                sc.strict += 1
        if ex.gold and all_caught:
            sc.texts_fully_cleaned += 1
        for s in spans:
            if not any(s.start < g.end and g.start < s.end for g in ex.gold):
                sc.spurious_spans += 1
                sc.spurious.append(Miss(line_no, s.type, ex.text[s.start : s.end], ex.text))
        for w in _WORD.finditer(ex.text):
            if any(w.start() < g.end and g.start < w.end() for g in ex.gold):
                continue
            sc.word_tokens += 1
            if any(w.start() < s.end and s.start < w.end() for s in spans):
                sc.words_over_redacted += 1
                sc.lost_words.append(Miss(line_no, "WORD", w.group(), ex.text))
    sc.per_type = {t: s for t, s in sc.per_type.items() if s.total}
    return sc


@dataclass
class RuleTally:
    """What one name rule or pass decided over a set (for ``--rules``).

    Attributes:
        rule: Its name, as in ``NAME_RULES`` / ``NAME_PASSES``.
        verdict: "name" (it judged words names) or "not a name" (it ruled words out).
        decisions: Words (or spans) it decided.
        right: A true name (for "name"), or an ordinary word (for "not a name").
        wrong: An ordinary word redacted (over-redaction), or a true name ruled out.
        other: Inside another kind of identifier (a place taken for a name...).
    """

    rule: str
    verdict: str
    decisions: int = 0
    right: int = 0
    wrong: int = 0
    other: int = 0


@dataclass(frozen=True)
class RuleNote:
    """A missed name or an over-redacted word, and the name rules that fired on it.

    Attributes:
        line: 1-based index of the text (as in :class:`Miss`).
        kind: "MISSED" (a gold name not covered) or "OVER" (an ordinary word in a NAME span).
        text: The name or the word.
        rules: The rules and passes that decided it ("month (not a name)"); empty for none.
        context: The whole text.
    """

    line: int
    kind: str
    text: str
    rules: tuple[str, ...]
    context: str


@dataclass
class RuleReport:
    """The ``--rules`` report: per-rule tallies in rule order, and notes on misses and losses."""

    tallies: list[RuleTally] = field(default_factory=list)
    notes: list[RuleNote] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)

    def summary(self) -> list[dict[str, object]]:
        """JSON-ready tallies (rule names and figures only, no identifier strings)."""
        return [asdict(t) for t in self.tallies]


def _overlaps(start: int, end: int, spans: Sequence[Span | RuleHit]) -> list[int]:
    return [k for k, s in enumerate(spans) if s.start < end and start < s.end]


def _hit_labels(hits: Sequence[RuleHit]) -> tuple[str, ...]:
    labels = (h.rule if h.name else f"{h.rule} (not a name)" for h in hits)
    return tuple(dict.fromkeys(labels))


def _tally(tallies: dict[tuple[str, str], RuleTally], hit: RuleHit, gold: Sequence[Span]) -> None:
    verdict = "name" if hit.name else "not a name"
    tally = tallies.setdefault((hit.rule, verdict), RuleTally(hit.rule, verdict))
    tally.decisions += 1
    kinds = {gold[k].type for k in _overlaps(hit.start, hit.end, gold)}
    if not kinds:
        tally.wrong += hit.name
        tally.right += not hit.name
    elif "NAME" in kinds:
        tally.right += hit.name
        tally.wrong += not hit.name
    else:
        tally.other += 1


def _notes(
    line: int, ex: Example, spans: Sequence[Span], hits: Sequence[RuleHit]
) -> list[RuleNote]:
    """Missed gold names, and ordinary words inside NAME spans, with the rules on each."""
    notes = []
    for g in ex.gold:
        if g.type == "NAME" and not _covered(ex.text, g.start, g.end, spans):
            fired = _hit_labels([hits[k] for k in _overlaps(g.start, g.end, hits)])
            notes.append(RuleNote(line, "MISSED", ex.text[g.start : g.end], fired, ex.text))
    names = [s for s in spans if s.type == "NAME"]
    for w in _WORD.finditer(ex.text):
        if _overlaps(w.start(), w.end(), ex.gold) or not _overlaps(w.start(), w.end(), names):
            continue
        fired = _hit_labels([hits[k] for k in _overlaps(w.start(), w.end(), hits)])
        notes.append(RuleNote(line, "OVER", w.group(), fired, ex.text))
    return notes


def rule_report(
    examples: Sequence[Example],
    spans: Sequence[Sequence[Span]],
    hits: Sequence[Sequence[RuleHit]],
) -> RuleReport:
    """Which name rules decided what over a set, and which fired on each miss or lost word.

    Args:
        examples: The set (from :func:`load_devset`, or the later messages of conversations).
        spans: The spans detected in each example.
        hits: The name layer's decisions in each example
            (:func:`bot.anonymise.core.detect_with_rules`).

    Returns:
        The :class:`RuleReport`: tallies in rule order (``NAME_RULES``, then ``NAME_PASSES``),
        rules that never fired, and notes on every missed name and over-redacted word.
    """
    from bot.anonymise.names import NAME_PASSES, NAME_RULES

    order = [rule.name for rule in NAME_RULES] + [name for name, _ in NAME_PASSES]
    tallies: dict[tuple[str, str], RuleTally] = {}
    report = RuleReport()
    for line, (ex, found, decided) in enumerate(zip(examples, spans, hits, strict=True), start=1):
        for hit in decided:
            _tally(tallies, hit, ex.gold)
        report.notes.extend(_notes(line, ex, found, decided))
    rank = {name: k for k, name in enumerate(order)}
    report.tallies = sorted(
        tallies.values(), key=lambda t: (rank.get(t.rule, len(rank)), t.verdict)
    )
    fired = {t.rule for t in report.tallies}
    report.silent = [name for name in order if name not in fired]
    return report


def time_per_message(
    examples: Sequence[Example], fn: Callable[[str], object], repeat: int = 20
) -> tuple[float, float]:
    """Time ``fn`` on every example text, ``repeat`` times over the set.

    Args:
        examples: Texts to time.
        fn: The function to time (e.g. :func:`bot.anonymise.anonymise`).
        repeat: How many passes over the set.

    Returns:
        (median, p95) milliseconds per message.
    """
    for ex in examples:
        fn(ex.text)  # warm caches (word lists, regexes, phonenumbers metadata): steady state
    times: list[float] = []
    for _ in range(repeat):
        for ex in examples:
            t0 = time.perf_counter()
            fn(ex.text)
            times.append((time.perf_counter() - t0) * 1000.0)
    if not times:
        return 0.0, 0.0
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def _print_report(sc: Scores, median_ms: float, p95_ms: float, repeat: int) -> None:
    print(
        f"texts: {sc.texts} ({sc.texts_with_identifiers} with identifiers, "
        f"{sc.texts_without_identifiers} without)"
    )
    print(f"identifiers: {sc.identifiers}")
    print()
    print(f"{'type':<12} {'n':>5} {'recall':>8} {'strict':>8}")
    for t, s in sorted(sc.per_type.items(), key=lambda kv: TYPES.index(kv[0])):
        print(f"{t:<12} {s.total:>5} {s.recall:>8.3f} {s.strict_recall:>8.3f}")
    print()
    print(f"overall recall (covered, any type): {sc.recall:.4f}  ({sc.caught}/{sc.identifiers})")
    print(f"strict recall (right type):         {sc.strict_recall:.4f}")
    print(
        f"texts fully cleaned:                {sc.fully_cleaned:.4f}  "
        f"({sc.texts_fully_cleaned}/{sc.texts_with_identifiers})"
    )
    print(
        f"clean texts left untouched:         {sc.clean_texts_untouched}/"
        f"{sc.texts_without_identifiers}"
    )
    print(
        f"over-redaction (ordinary words):    {sc.over_redaction:.4f}  "
        f"({sc.words_over_redacted}/{sc.word_tokens} word tokens)"
    )
    print(
        f"precision-ish:                      {sc.precision:.4f}  "
        f"({sc.spurious_spans} of {sc.detected_spans} spans overlap no identifier)"
    )
    print(
        f"time per message (anonymise, {repeat}x set): median {median_ms:.3f} ms, "
        f"p95 {p95_ms:.3f} ms"
    )


def _print_rules(report: RuleReport) -> None:
    print("\nNAME RULES (right: a true name if the verdict is 'name', an ordinary word if 'not a")
    print(
        "name'; wrong: an over-redacted word, or a true name ruled out; other: another identifier)"
    )
    print(f"  {'rule':<36} {'verdict':<10} {'decided':>7} {'right':>6} {'wrong':>6} {'other':>6}")
    for t in report.tallies:
        print(
            f"  {t.rule:<36} {t.verdict:<10} {t.decisions:>7} {t.right:>6} {t.wrong:>6} "
            f"{t.other:>6}"
        )
    silent = f"never fired ({len(report.silent)}): {', '.join(report.silent) or '-'}"
    print(textwrap.fill(silent, width=100, initial_indent="  ", subsequent_indent="    "))
    print("\nMISSED NAMES AND OVER-REDACTED WORDS, WITH THE RULES THAT FIRED (dev use only;")
    print("none: another layer, such as a first name and surname pair or a repeat, or no rule):")
    for n in report.notes:
        fired = ", ".join(n.rules) or "none"
        print(f"  text {n.line:>3} {n.kind:<6} {n.text!r}  <- {fired}  | {n.context[:90]}")
    if not report.notes:
        print("  (none)")


def _print_misses(sc: Scores) -> None:
    print("\nMISSED:")
    for m in sc.misses:
        print(f"  text {m.line:>3} {m.type:<11} {m.text!r}  | {m.context[:110]}")
    print("\nSPURIOUS:")
    for m in sc.spurious:
        print(f"  text {m.line:>3} {m.type:<11} {m.text!r}  | {m.context[:110]}")
    print("\nORDINARY WORDS LOST:")
    for m in sc.lost_words:
        print(f"  text {m.line:>3} {m.text!r}  | {m.context[:110]}")


def _detect_set(
    args: argparse.Namespace,
) -> tuple[list[Example], list[list[Span]], list[list[RuleHit]] | None]:
    """The examples to score, the spans found in each, and the name rules' hits if ``--rules``."""
    from bot.anonymise.core import detect, detect_with_rules

    hits: list[list[RuleHit]] | None = [] if args.rules else None
    if not args.conversations:
        examples = load_devset(args.devset)
        if hits is None:
            return examples, [detect(ex.text) for ex in examples], None
        found = [detect_with_rules(ex.text) for ex in examples]
        hits.extend(h for _, h in found)
        return examples, [s for s, _ in found], hits
    conversations = load_conversations(args.devset)
    spans = conversation_spans(conversations, hits)
    # Later messages only: the first of each is what the plain set measures.
    later = [i > 0 for conv in conversations for i, _ in enumerate(conv)]
    examples = [ex for conv in conversations for ex in conv]
    keep = [k for k, is_later in enumerate(later) if is_later]
    return (
        [examples[k] for k in keep],
        [spans[k] for k in keep],
        None if hits is None else [hits[k] for k in keep],
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        Process exit code.
    """
    from bot.anonymise import anonymise

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", type=Path)
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    parser.add_argument("--repeat", type=int, default=20, help="timing passes over the set")
    parser.add_argument(
        "--show-misses", action="store_true", help="list missed and spurious spans (dev use only)"
    )
    parser.add_argument(
        "--conversations",
        action="store_true",
        help="the set is conversations ('=== ' lines); score later messages with memory",
    )
    parser.add_argument(
        "--rules",
        action="store_true",
        help="per name rule: words decided, right and wrong; the rules behind each miss and "
        "over-redacted word (dev use only)",
    )
    args = parser.parse_args(argv)
    examples, spans, hits = _detect_set(args)
    replay = iter(spans)
    sc = score(examples, lambda _text: next(replay))
    median_ms, p95_ms = time_per_message(examples, anonymise, repeat=args.repeat)
    report = None if hits is None else rule_report(examples, spans, hits)
    if args.json:
        out = sc.summary()
        out["time_ms"] = {
            "median": round(median_ms, 4),
            "p95": round(p95_ms, 4),
            "repeat": args.repeat,
        }
        if report is not None:
            out["rules"] = report.summary()
        print(json.dumps(out, indent=2))
    else:
        _print_report(sc, median_ms, p95_ms, args.repeat)
    if args.show_misses:
        _print_misses(sc)
    if report is not None and not args.json:
        _print_rules(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
