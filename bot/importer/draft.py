"""A recognised briefing (:class:`Draft`) and the draft content pack written from it.

The recogniser fills a :class:`Draft` with what it found and, in ``unsure``, what it guessed
(field path -> why). :func:`draft_yaml` writes a complete pack in the shape of
bot/content/packs/esscp-child-z.yml: every guessed value carries the literal prefix
``[CHECK] `` and a ``# CHECK:`` comment above it, so ``reflect packs validate`` lists each one
for the person reviewing the draft, and the pack validates once they are resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


class LearningItem(NamedTuple):
    """One key learning point; ``title`` is None when the briefing gives it none."""

    title: str | None
    text: str


class RecommendationItem(NamedTuple):
    """One recommendation: its heading (if any), text and sub-points."""

    title: str | None
    text: str
    bullets: tuple[str, ...]


class Question(NamedTuple):
    """A discussion question and the learning item it sits in (an index), if any."""

    text: str
    learning: int | None


class LinkItem(NamedTuple):
    """A page the briefing points to; ``url`` is None when it names a page without an address."""

    title: str
    url: str | None
    learning: int | None = None  # the learning item it sits in, if any


class Contact(NamedTuple):
    """A phone number with its label (the words before it) and when to use it."""

    label: str
    number: str
    when: str


@dataclass(frozen=True)
class Draft:
    """What the recogniser found in one briefing, and what it is unsure of.

    ``unsure`` maps a field path ("title", "learning[2].title", "links[0].url",
    "urgent_help") to the reason a reviewer should check it.
    """

    title: str
    partnership: str
    what_is_a_review: str = ""
    purpose: str = ""
    case_summary: str = ""
    learning: tuple[LearningItem, ...] = ()
    recommendations: tuple[RecommendationItem, ...] = ()
    action_taken: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    links: tuple[LinkItem, ...] = ()
    contacts: tuple[Contact, ...] = ()
    invitation: str = ""  # the words around the questions ("Discuss these in your team...")
    recommendations_intro: str = ""
    action_taken_intro: str = ""
    published: str = ""
    unsure: Mapping[str, str] = field(default_factory=dict)
