"""The shape of a briefing content pack, as frozen dataclasses.

A pack is data, not code: adding a briefing means adding a YAML file that the loader turns into
these objects. Cross-references (a discussion point's learning and links) are resolved at load
time, so the conversation code never handles dangling ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum


class LinkKind(str, Enum):
    """What a link is for; the procedures menu groups links by kind."""

    PROCEDURE = "procedure"
    CONTACT = "contact"
    TRAINING = "training"
    SITE = "site"
    REVIEW = "review"  # where other reviews are published (e.g. the national panel)


@dataclass(frozen=True)
class Link:
    """A page a practitioner may open; we link to procedures rather than copy them."""

    id: str
    title: str
    url: str
    kind: LinkKind
    description: str
    last_verified: date
    verified_from: str


@dataclass(frozen=True)
class KeyLearning:
    """One learning point the review identified."""

    id: str
    number: int
    title: str
    summary: str
    aliases: tuple[str, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Recommendation:
    """One recommendation, tied to the learning it answers."""

    id: str
    number: int
    title: str
    text: str
    bullets: tuple[str, ...]
    learning: tuple[KeyLearning, ...]


@dataclass(frozen=True)
class ActionTakenItem:
    """Something the partnership has done since the review."""

    text: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class DiscussionPoint:
    """A question teams are asked to discuss, with where it comes from."""

    id: str
    number: int
    question: str
    learning: tuple[KeyLearning, ...]
    links: tuple[Link, ...]
    prompts: tuple[str, ...]


@dataclass(frozen=True)
class UrgentContact:
    """Who to call when a child may be at risk now; shown by the safety net."""

    label: str
    detail: str
    when: str


@dataclass(frozen=True)
class UrgentHelp:
    """The partnership's urgent routes, shown before anything else on a live concern."""

    contacts: tuple[UrgentContact, ...]
    note: str


@dataclass(frozen=True)
class StaffSupport:
    """Support the partnership points practitioners to when a case has got to them.

    Shown after the static signposting (supervisor or manager, the employee assistance
    programme), so a pack adds only what is local and true; it carries its own verification date
    because support services change more often than briefings.
    """

    items: tuple[str, ...]
    link: Link | None
    last_verified: date
    verified_from: str


@dataclass(frozen=True)
class About:
    """What a review is and what happened, in the briefing's words.

    ``what_is_a_review`` and ``purpose`` may be empty: not every briefing explains them.
    """

    what_is_a_review: str
    purpose: str
    case_summary: str


@dataclass(frozen=True)
class Pack:
    """One learning briefing, versioned so every reflection says which text it answered."""

    id: str
    version: str
    title: str
    short_title: str
    partnership: str
    partnership_short: str
    source: str
    published: str
    last_verified: date
    review_by: date
    about: About
    key_learning: tuple[KeyLearning, ...]
    recommendations_intro: str
    recommendations: tuple[Recommendation, ...]
    action_taken_intro: str
    action_taken: tuple[ActionTakenItem, ...]
    discussion_invitation: str
    discussion_points: tuple[DiscussionPoint, ...]
    links: tuple[Link, ...]
    urgent_help: UrgentHelp
    staff_support: StaffSupport | None = None
    aliases: tuple[str, ...] = ()
    """Short names people may call the briefing ("Child Z", "the Hailsham review")."""

    def learning_by_id(self, learning_id: str) -> KeyLearning | None:
        """The key learning point with this id, if any."""
        return next((item for item in self.key_learning if item.id == learning_id), None)

    def links_of_kind(self, kind: LinkKind) -> tuple[Link, ...]:
        """Links of one kind, in pack order."""
        return tuple(link for link in self.links if link.kind is kind)
