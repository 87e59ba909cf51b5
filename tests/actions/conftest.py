"""Stand-ins for the issue 16 helpers the actions call, so action tests test the actions only.

bot/cpd/covered.py and bot/followup/service.py have their own tests; here they are replaced by
small fakes that keep their documented contract (the slot values they return, "no follow-up
due"), so an action test fails only when the action is wrong.
"""

from __future__ import annotations

from typing import Any

import pytest


def fake_add_section(sections_read: object, section: str) -> list[str]:
    """bot.cpd.covered.add_section's contract: ``section`` added once, in order of first read."""
    read = (
        [s for s in sections_read if isinstance(s, str)] if isinstance(sections_read, list) else []
    )
    return read if section in read else [*read, section]


def fake_add_saved_reflection(
    reflections_saved: object, *, point_number: object, text: str
) -> list[dict[str, object]]:
    """bot.cpd.covered.add_saved_reflection's contract: ``{"point", "text"}`` items, appended."""
    saved = list(reflections_saved) if isinstance(reflections_saved, list) else []
    point = point_number if isinstance(point_number, int) else None
    return [*saved, {"point": point, "text": text}]


@pytest.fixture(autouse=True)
def issue16_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fakes for the slot helpers, and no follow-up due when the greeting asks."""
    monkeypatch.setattr("actions.briefing.add_section", fake_add_section)
    monkeypatch.setattr("actions.reflection.add_saved_reflection", fake_add_saved_reflection)

    def nothing_due(*args: Any, **kwargs: Any) -> None:
        return None

    monkeypatch.setattr("actions.briefing.followups.due_now", nothing_due)
