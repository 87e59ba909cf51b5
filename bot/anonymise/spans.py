"""Spans: where an identifier sits in the original text, and how overlapping finds are merged.

Every layer proposes :class:`Candidate` spans independently. :func:`merge` then unions overlapping
candidates into one span (so coverage is never lost: recall first) and gives the union the type of
its most convincing member: the longest candidate, then the one with the highest priority
(a title-led name beats a place of the same extent; an exact place beats a street guess).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "TYPES",
    "Candidate",
    "Span",
    "merge",
]

# Placeholder type names, in the order used by reports.
TYPES: tuple[str, ...] = (
    "NAME",
    "ADDRESS",
    "POSTCODE",
    "PHONE",
    "EMAIL",
    "URL",
    "HANDLE",
    "NHS_NUMBER",
    "NI_NUMBER",
    "DATE",
    "AGE",
    "REFERENCE",
    "SCHOOL",
    "PLACE",
)


@dataclass(frozen=True, order=True)
class Span:
    """A detected identifier: ``text[start:end]`` of the ORIGINAL text is of type ``type``.

    Attributes:
        start: Start offset (inclusive) in the original text.
        end: End offset (exclusive).
        type: One of :data:`TYPES`.
    """

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Candidate:
    """A proposal from one layer, before overlaps are resolved.

    Attributes:
        start: Start offset in the original text.
        end: End offset.
        type: One of :data:`TYPES`.
        priority: How specific/convincing the rule that produced it is (higher wins a tie on
            length).
    """

    start: int
    end: int
    type: str
    priority: int


def merge(candidates: Iterable[Candidate]) -> list[Span]:
    """Union overlapping candidates; each union takes the type of its best member.

    Args:
        candidates: Proposals from all layers, in any order.

    Returns:
        Non-overlapping spans, sorted by start.
    """
    ordered = sorted((c for c in candidates if c.end > c.start), key=lambda c: (c.start, -c.end))
    spans: list[Span] = []
    group: list[Candidate] = []
    group_end = -1

    def flush() -> None:
        if not group:
            return
        best = max(group, key=lambda c: (c.end - c.start, c.priority))
        spans.append(Span(group[0].start, max(c.end for c in group), best.type))

    for cand in ordered:
        if group and cand.start < group_end:
            group.append(cand)
            group_end = max(group_end, cand.end)
        else:
            flush()
            group = [cand]
            group_end = cand.end
    flush()
    return spans
