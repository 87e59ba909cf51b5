"""What a practitioner covered in one conversation, read from the conversation's slots.

The slots are the only memory of a walk-through (the tracker store keeps them), and a slot can
hold anything an old model, a hand-edited tracker or a future version left there. So reading is
forgiving: a value of the wrong shape is dropped item by item, never raised, since the end of a
walk-through must not fail over a summary. The reflections kept here are the text the
practitioner confirmed after the door anonymised it; nothing else of theirs is remembered.
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


def _strings(value: object) -> tuple[str, ...]:
    """The non-empty strings of a list slot, each once, in first-seen order."""
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(dict.fromkeys(item for item in value if isinstance(item, str) and item))


def _point_number(value: object) -> int | None:
    """A 1-based point number from a slot (an int, or digits as text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
        return number if number > 0 else None
    return None


def _reflections(value: object) -> tuple[SavedReflection, ...]:
    """The well-formed saved reflections, the same text on the same point once, newest kept."""
    if not isinstance(value, (list, tuple)):
        return ()
    kept: dict[tuple[int | None, str], SavedReflection] = {}
    for item in value:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        reflection = SavedReflection(_point_number(item.get("point")), text.strip())
        key = (reflection.point_number, reflection.text)
        kept.pop(key, None)  # a repeat moves to where it was saved last
        kept[key] = reflection
    return tuple(kept.values())[-MAX_SAVED_REFLECTIONS:]


def covered_from_slots(
    *,
    sections_read: object,
    points_covered: object,
    points_skipped: object,
    reflections_saved: object,
) -> Covered:
    """A :class:`Covered` from raw slot values; anything malformed is ignored, never raised.

    Sections are only the known ones, in reading order. A point both discussed and skipped (a
    practitioner went back to one they had skipped) counts as discussed.
    """
    read = set(_strings(sections_read))
    discussed = _strings(points_covered)
    return Covered(
        sections=tuple(section for section in SECTIONS if section in read),
        points_discussed=discussed,
        points_skipped=tuple(p for p in _strings(points_skipped) if p not in discussed),
        reflections=_reflections(reflections_saved),
    )


def add_section(sections_read: object, section: str) -> list[str]:
    """The new ``sections_read`` slot value with ``section`` added once (order of first read)."""
    read = list(_strings(sections_read))
    if section in SECTIONS and section not in read:
        read.append(section)
    return read


def add_saved_reflection(
    reflections_saved: object, *, point_number: object, text: str
) -> list[dict[str, object]]:
    """The new ``reflections_saved`` slot value: ``{"point": int | None, "text": str}`` items.

    ``text`` is the anonymised text the practitioner confirmed (what was saved), never a raw
    draft. The same text on the same point is kept once; at most
    :data:`MAX_SAVED_REFLECTIONS`, the newest, so the slot cannot grow without end.
    """
    saved = [*_reflections(reflections_saved), SavedReflection(_point_number(point_number), text)]
    kept = _reflections([{"point": r.point_number, "text": r.text} for r in saved])
    return [{"point": r.point_number, "text": r.text} for r in kept]
