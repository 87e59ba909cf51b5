"""A test conversation's slots, as the dialogue leaves them after a walk-through of Child Z."""

from __future__ import annotations

from typing import Any

import pytest

from bot.content.schema import Pack
from bot.cpd.covered import Covered, covered_from_slots

#: Reflections as the practitioner confirmed them: the door has already replaced the names.
REFLECTIONS = (
    "I will ask who else lives in the home at every first visit, not only the parents.",
    "Before closing I check whether a risky adult's history was shared with [NAME]'s mother.",
)


def conversation_slots(pack: Pack) -> dict[str, Any]:
    """Two sections read, points 1 and 3 discussed, point 2 skipped, two reflections saved."""
    points = pack.discussion_points
    return {
        "sections_read": ["key_learning", "about"],
        "points_covered": [points[0].id, points[2].id],
        "points_skipped": [points[1].id],
        "reflections_saved": [
            {"point": 1, "text": REFLECTIONS[0]},
            {"point": 3, "text": REFLECTIONS[1]},
        ],
    }


@pytest.fixture
def covered(pack: Pack) -> Covered:
    return covered_from_slots(**conversation_slots(pack))


def every_stored_value(database_url: str) -> list[str]:
    """Every value in every column of every table (Alembic's version table too), as text.

    Bytes are given as they are and as hex, so a search finds a key however it was stored.
    """
    from sqlalchemy import column, create_engine, inspect, select, table

    engine = create_engine(database_url, future=True)
    found: list[str] = []
    try:
        with engine.connect() as connection:
            for name in inspect(connection).get_table_names():
                columns = [c["name"] for c in inspect(connection).get_columns(name)]
                rows = connection.execute(
                    select(*(table(name, *(column(c) for c in columns)).c))
                ).all()
                for row in rows:
                    for value in row:
                        if isinstance(value, (bytes, memoryview)):
                            found += [bytes(value).decode("latin-1"), bytes(value).hex()]
                        elif value is not None:
                            found.append(str(value))
    finally:
        engine.dispose()
    return found


def key_spellings(key: bytes) -> list[str]:
    """The ways a key could be written down: hex, base64 and URL-safe base64 (with or without =)."""
    import base64

    standard = base64.b64encode(key).decode()
    url_safe = base64.urlsafe_b64encode(key).decode()
    return [key.hex(), standard, standard.rstrip("="), url_safe, url_safe.rstrip("=")]
