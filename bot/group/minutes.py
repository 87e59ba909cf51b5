"""The minutes of one group session as data: what every output (chat, Markdown, DOCX, PDF) shows.

Built by the group service when the lead closes a session and stored as JSON (anonymised text
only: every note and action passed the door), so a download link can render them later and
the safeguarding lead's summaries can read them. Nothing here can name a person: attendance is
counts per agency, owners are roles, and no member or lead key is ever part of the minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

#: Bumped when the stored shape changes, so old rows can still be read (or refused clearly).
MINUTES_SCHEMA = 1


@dataclass(frozen=True)
class AttendanceCount:
    """How many people from one agency took part (an agency id from bot.storage.models.AGENCIES)."""

    agency: str
    count: int


@dataclass(frozen=True)
class PointMinutes:
    """One discussion point as the team covered it."""

    number: int
    point_id: str
    question: str
    learning: tuple[str, ...]
    """Titles of the key learning the point rests on."""
    links: tuple[tuple[str, str], ...]
    """(title, url) of the procedures linked to the point."""
    planned_minutes: int
    notes: tuple[str, ...]
    """The team's key points as the lead typed them, anonymised at the door."""
    prompts_used: tuple[str, ...]
    """The pack's facilitator prompts shown for this point."""
    covered: bool = True
    """False when the team moved past the point without notes (minutes say "not discussed")."""


@dataclass(frozen=True)
class AgreedAction:
    """An action the team agreed: what, who (a role, never a name), by when, how we will know."""

    what: str
    owner_role: str
    by_when: str
    measure: str
    """The answer to "how will we know it made a difference?"."""


@dataclass(frozen=True)
class Minutes:
    """Everything the minutes say, in the order they say it."""

    briefing_title: str
    partnership: str
    pack_id: str
    pack_version: str
    iso_week: str
    team_code: str | None
    planned_minutes: int
    duration_minutes: int
    attendance: tuple[AttendanceCount, ...]
    joined_count: int
    """Team members who joined on Reflect with the code (a count, never who)."""
    points: tuple[PointMinutes, ...]
    actions: tuple[AgreedAction, ...] = field(default=())
    schema: int = MINUTES_SCHEMA
    disclosure_k: int | None = field(default=None, compare=False)
    """Set on a copy for the lead portal (never stored): attendance only as a total, and only
    when at least this many took part, so no agency's one or two people are singled out."""

    @property
    def attendance_total(self) -> int:
        """Everyone counted, across agencies."""
        return sum(item.count for item in self.attendance)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists); a portal copy's k is not part of it."""
        stored = asdict(self)
        stored.pop("disclosure_k", None)
        return stored

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Minutes:
        """The minutes stored by :meth:`to_dict`; ``ValueError`` for another schema."""
        if data.get("schema") != MINUTES_SCHEMA:
            raise ValueError(f"minutes schema {data.get('schema')!r} is not {MINUTES_SCHEMA}")
        return cls(
            briefing_title=str(data["briefing_title"]),
            partnership=str(data["partnership"]),
            pack_id=str(data["pack_id"]),
            pack_version=str(data["pack_version"]),
            iso_week=str(data["iso_week"]),
            team_code=data.get("team_code"),
            planned_minutes=int(data["planned_minutes"]),
            duration_minutes=int(data["duration_minutes"]),
            attendance=tuple(AttendanceCount(**item) for item in data["attendance"]),
            joined_count=int(data["joined_count"]),
            points=tuple(
                PointMinutes(
                    **{
                        **point,
                        "learning": tuple(point["learning"]),
                        "links": tuple((str(t), str(u)) for t, u in point["links"]),
                        "notes": tuple(point["notes"]),
                        "prompts_used": tuple(point["prompts_used"]),
                    }
                )
                for point in data["points"]
            ),
            actions=tuple(AgreedAction(**item) for item in data.get("actions", ())),
        )
