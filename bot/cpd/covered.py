"""What a practitioner covered in one conversation, read from the conversation's slots.

INTERFACE STUB (issue 16): the cpd helper implements it; actions call it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The briefing's sections, as the ``sections_read`` slot names them, in reading order.
SECTIONS: tuple[str, ...] = (
    "about",
    "key_learning",
    "recommendations",
    "action_taken",
    "procedures",
)
#: No more reflections than this are kept in the ``reflections_saved`` slot (newest kept).
MAX_SAVED_REFLECTIONS = 20


@dataclass(frozen=True)
class SavedReflection:
    """One reflection saved in this conversation: the anonymised, confirmed text and its point."""

    point_number: int | None
    text: str


@dataclass(frozen=True)
class Covered:
    """The sections read, points discussed and skipped (pack point ids), reflections saved."""

    sections: tuple[str, ...] = ()
    points_discussed: tuple[str, ...] = ()
    points_skipped: tuple[str, ...] = ()
    reflections: tuple[SavedReflection, ...] = ()


def covered_from_slots(
    *,
    sections_read: object,
    points_covered: object,
    points_skipped: object,
    reflections_saved: object,
) -> Covered:
    """A :class:`Covered` from raw slot values; anything malformed is ignored, never raised."""
    raise NotImplementedError


def add_section(sections_read: object, section: str) -> list[str]:
    """The new ``sections_read`` slot value with ``section`` added once (order of first read)."""
    raise NotImplementedError


def add_saved_reflection(
    reflections_saved: object, *, point_number: object, text: str
) -> list[dict[str, object]]:
    """The new ``reflections_saved`` slot value: ``{"point": int | None, "text": str}`` items."""
    raise NotImplementedError
