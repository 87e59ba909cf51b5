"""Fakes for the widget's server side, shared by its unit tests."""

from __future__ import annotations

from datetime import date


class FakeRevocationList:
    """The revocation list as a dict (bot.web.revocations keeps it in the database)."""

    def __init__(self) -> None:
        self.entries: dict[str, date] = {}
        self.asked: list[str] = []
        #: Set to make every call fail, as a database that is down would.
        self.broken = False

    def contains(self, key: str) -> bool:
        self._check()
        self.asked.append(key)
        return key in self.entries

    def add(self, key: str, *, issued_on: date) -> None:
        self._check()
        self.entries[key] = issued_on

    def purge(self, *, issued_before: date) -> int:
        old = [key for key, day in self.entries.items() if day < issued_before]
        for key in old:
            del self.entries[key]
        return len(old)

    def _check(self) -> None:
        if self.broken:
            raise ConnectionError("the database is down")
