"""A practitioner's CPD record of one briefing, as data: what every layout (chat, DOCX, PDF) shows.

Built from the pack and what the conversation covered at the moment they ask, so it holds only
the briefing's own text and the reflections they confirmed (already anonymised at the door). It
is stored only while its link lives, encrypted (bot.cpd.store), as the JSON of :meth:`to_dict`;
there is no field for who asked, and none is needed to lay it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

from bot.content.schema import KeyLearning, Pack
from bot.cpd.covered import Covered

Variant = Literal["swe", "nmc"]
#: Social Work England's CPD record layout, and the NMC revalidation reflective account.
VARIANTS: tuple[Variant, ...] = ("swe", "nmc")
#: Bumped when the stored shape changes, so a record stored by an older version is refused.
RECORD_SCHEMA = 1


@dataclass(frozen=True)
class PointDone:
    """A discussion point: its number in the pack and the question it asks."""

    number: int
    question: str


@dataclass(frozen=True)
class Learning:
    """A key learning point from the briefing."""

    number: int
    title: str
    summary: str


@dataclass(frozen=True)
class OwnReflection:
    """One of their reflections: the anonymised, confirmed text and the point it was on."""

    point_number: int | None
    text: str


@dataclass(frozen=True)
class Record:
    """Everything the CPD record says, in the order it says it."""

    variant: Variant
    pack_id: str
    title: str
    partnership: str
    version: str
    published: str
    produced_on: date
    sections: tuple[str, ...]
    """Section ids of bot.cpd.covered.SECTIONS, in reading order."""
    discussed: tuple[PointDone, ...]
    skipped: tuple[PointDone, ...]
    learning: tuple[Learning, ...]
    reflections: tuple[OwnReflection, ...]
    schema: int = RECORD_SCHEMA

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists, the date ISO text)."""
        stored = asdict(self)
        stored["produced_on"] = self.produced_on.isoformat()
        return stored

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        """The record stored by :meth:`to_dict`; ``ValueError`` for another schema or variant."""
        if data.get("schema") != RECORD_SCHEMA:
            raise ValueError(f"CPD record schema {data.get('schema')!r} is not {RECORD_SCHEMA}")
        variant = data.get("variant")
        if variant not in VARIANTS:
            raise ValueError(f"unknown CPD record variant {variant!r}")
        return cls(
            variant=variant,
            pack_id=str(data["pack_id"]),
            title=str(data["title"]),
            partnership=str(data["partnership"]),
            version=str(data["version"]),
            published=str(data["published"]),
            produced_on=date.fromisoformat(str(data["produced_on"])),
            sections=tuple(str(section) for section in data["sections"]),
            discussed=tuple(PointDone(**point) for point in data["discussed"]),
            skipped=tuple(PointDone(**point) for point in data["skipped"]),
            learning=tuple(Learning(**item) for item in data["learning"]),
            reflections=tuple(OwnReflection(**item) for item in data["reflections"]),
        )


def is_empty(covered: Covered) -> bool:
    """Nothing read, discussed, skipped or reflected on yet: there is no record to give."""
    return not (
        covered.sections
        or covered.points_discussed
        or covered.points_skipped
        or covered.reflections
    )


def _learning(pack: Pack, discussed_ids: tuple[str, ...]) -> tuple[KeyLearning, ...]:
    """The learning the discussed points rest on, in pack order; all of it if none is linked."""
    linked = {
        item.id
        for point in pack.discussion_points
        if point.id in discussed_ids
        for item in point.learning
    }
    chosen = tuple(item for item in pack.key_learning if item.id in linked)
    return chosen or pack.key_learning


def build_record(pack: Pack, covered: Covered, *, variant: Variant, today: date) -> Record:
    """The record of what ``covered`` says they did with ``pack``, produced ``today``.

    Point ids the pack does not know (a newer pack version since) are left out rather than
    guessed at; the record names the version it was produced from.
    """

    def points(ids: tuple[str, ...]) -> tuple[PointDone, ...]:
        return tuple(
            PointDone(point.number, point.question)
            for point in pack.discussion_points
            if point.id in ids
        )

    return Record(
        variant=variant,
        pack_id=pack.id,
        title=pack.title,
        partnership=pack.partnership,
        version=pack.version,
        published=pack.published,
        produced_on=today,
        sections=covered.sections,
        discussed=points(covered.points_discussed),
        skipped=points(covered.points_skipped),
        learning=tuple(
            Learning(item.number, item.title, item.summary)
            for item in _learning(pack, covered.points_discussed)
        ),
        reflections=tuple(
            OwnReflection(reflection.point_number, reflection.text)
            for reflection in covered.reflections
        ),
    )
