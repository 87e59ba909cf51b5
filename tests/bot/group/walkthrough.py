"""Drive a whole 4-point, 30-minute group session through GroupFlow and write its transcript.

Used by tests/bot/group/test_flow.py (``pytest -s`` prints it) and runnable on its own to
regenerate tests/bot/group/data/transcript_30min.txt::

    .venv/bin/python -m tests.bot.group.walkthrough

The lead's messages are what the door would pass (already anonymised: "[NAME 1]"), a member
joins from their own chat, another member's "next" in the group chat is refused, and a live
concern typed mid-session is answered and never minuted. Receipt tokens are drawn from a
counter so the codes, and so the transcript, are the same on every run.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

from sqlalchemy.orm import sessionmaker

from bot.content.schema import Pack
from bot.group.flow import GroupFlow, Reply, Turn
from bot.group.minutes import Minutes
from bot.group.service import load_minutes
from bot.reflections.receipts import RECEIPT_TOKEN, reveal_receipts, typed_receipt
from bot.settings.config import Settings
from bot.storage.session import transaction

TRANSCRIPT = Path(__file__).resolve().parent / "data" / "transcript_30min.txt"
START = datetime(2026, 12, 8, 14, 0, tzinfo=timezone.utc)  # a Tuesday afternoon, 2026-W50
LEAD = "m_lead-member-hash"
MEMBER = "m_member-one-hash"
OTHER = "m_member-two-hash"


@dataclass
class Walkthrough:
    """The transcript's lines, the last reply, and what was filed."""

    lines: list[str] = field(default_factory=list)
    join_code: str = ""
    receipt_code: str = ""
    minutes_id: str | None = None
    minutes: Minutes | None = None
    replies: list[Reply] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The transcript as one text."""
        return "\n".join(self.lines).rstrip() + "\n"


@contextmanager
def counted_tokens() -> Iterator[None]:
    """Receipt tokens and public ids from counters, so the codes and download links (and so
    the transcript) are the same on every run."""
    tokens = itertools.count(1)
    ids = itertools.count(1)

    def token() -> str:
        return f"{next(tokens):024x}"

    def public_id() -> str:
        return f"walkthrough-{next(ids):010d}"

    with (
        mock.patch("bot.group.keys.new_receipt_token", token),
        mock.patch("bot.group.service.new_receipt_token", token),
        mock.patch("bot.group.flow.new_public_id", public_id),
        mock.patch("bot.group.service.new_public_id", public_id),
    ):
        yield


def run(factory: sessionmaker, pack: Pack, settings: Settings) -> Walkthrough:
    """The session, message by message; every reply revealed as the channel would show it."""
    out = Walkthrough()
    secret = settings.secret

    def say(who: str, text: str, minute: float, *, intent: str = "", member: str = LEAD) -> Turn:
        stamp = (START + timedelta(minutes=minute)).strftime("%H:%M")
        out.lines.append(f"[{stamp}] {who}: {text}")
        receipts: tuple[str, ...] = ()
        if text.startswith("join "):
            receipts = (typed_receipt(out.join_code, secret=secret),)
            out.lines[-1] = f"[{stamp}] {who}: join {out.join_code}   (the door passes [RECEIPT 1])"
            text = "join [RECEIPT 1]"
        return Turn(text, intent, member, receipts, "teams", START + timedelta(minutes=minute))

    def hear(reply: Reply) -> Reply:
        out.replies.append(reply)
        for message in reply.messages:
            shown = reveal_receipts(message.text, secret=secret)
            out.lines.append("  Reflect: " + shown.replace("\n", "\n           "))
            if message.buttons:
                titles = " | ".join(button["title"] for button in message.buttons)
                out.lines.append(f"           [{titles}]")
        state = f"session={'set' if reply.session else 'none'} role={reply.role}"
        state += f" listening={reply.listening} point={reply.point_number}"
        if reply.refused:
            state += " refused=True: the conversation's slots stay as they were"
        if reply.urgent:
            state += " urgent=True: the action says utter_urgent_concern (999 / SPoA) first"
        if reply.minutes:
            state += " minutes=<public id for the download links>"
        out.lines.append(f"  ({state})")
        out.lines.append("")
        return reply

    def flow() -> GroupFlow:
        return GroupFlow(factory=factory, pack=pack, settings=settings)

    with counted_tokens():
        started = hear(
            flow().start(say("Lead", "start a group session", 0, intent="start_group_session"))
        )
        session = started.session or ""
        plan = hear(flow().step(session, say("Lead", "30 minutes", 0.5)))
        found = RECEIPT_TOKEN.search(plan.messages[0].text)
        assert found is not None
        out.join_code = reveal_receipts(found.group(0), secret=secret)
        steps: list[tuple[str, str, float, str, str]] = [
            ("Lead", "team code CP-EAST", 1, "", LEAD),
            ("Member 2", "next", 2, "next_point", OTHER),
            (
                "Lead",
                "We don't always ask who else is in the household, especially new partners",
                3,
                "",
                LEAD,
            ),
            (
                "Lead",
                "Police checks on a new partner are rarely requested before closure",
                5,
                "",
                LEAD,
            ),
            (
                "Lead",
                "[NAME 1] said dad's new partner had a record but nobody told mum",
                8,
                "",
                LEAD,
            ),
            ("Lead", "how long?", 8.5, "", LEAD),
            ("Lead", "next", 9, "next_point", LEAD),
            ("Lead", "Contact arrangements get agreed once and not reviewed", 11, "", LEAD),
            (
                "Lead",
                "a boy in my class says he is scared to go home tonight because of mum's partner",
                12,
                "urgent_concern",
                LEAD,
            ),
            ("Lead", "next", 14, "next_point", LEAD),
            ("Lead", "Fathers are often not invited to the assessment at all", 16, "", LEAD),
            ("Lead", "back", 18, "previous_point", LEAD),
            ("Lead", "We rely on the victim to protect the children", 18.5, "", LEAD),
            ("Lead", "next", 19, "next_point", LEAD),
            ("Lead", "next", 20, "next_point", LEAD),
            ("Lead", "skip", 21, "skip_point", LEAD),
            ("Lead", "4 social care, 2 police, a health visitor and 2 teachers", 22, "", LEAD),
            ("Lead", "3 social care", 22.5, "", LEAD),
            ("Lead", "/affirm", 23, "affirm", LEAD),
            (
                "Lead",
                "Add a check on every new adult in the household to the assessment template",
                24,
                "",
                LEAD,
            ),
            ("Lead", "team manager", 24.5, "", LEAD),
            ("Lead", "end of January", 25, "", LEAD),
            ("Lead", "Audit of ten assessments in March shows the check recorded", 26, "", LEAD),
            ("Lead", "/affirm", 26.5, "affirm", LEAD),
            ("Lead", "Everyone registers for the procedures manual update alerts", 27, "", LEAD),
            ("Lead", "each practitioner", 27.5, "", LEAD),
            ("Lead", "next supervision", 28, "next_point", LEAD),
            ("Lead", "Manager checks at supervision that alerts arrive", 29, "", LEAD),
            ("Lead", "/finish_group_session", 30, "finish_group_session", LEAD),
        ]
        for index, (who, text, minute, intent, member) in enumerate(steps):
            if index == 2:
                joined = say("Member 1 (own chat)", "join ", 2.5, member=MEMBER)
                hear(flow().join(joined))
            hear(flow().step(session, say(who, text, minute, intent=intent, member=member)))
    last = out.replies[-1]
    out.minutes_id = last.minutes
    receipt = RECEIPT_TOKEN.search(last.messages[-1].text)
    out.receipt_code = reveal_receipts(receipt.group(0), secret=secret) if receipt else ""
    if out.minutes_id:
        with transaction(factory) as db:
            out.minutes = load_minutes(db, out.minutes_id)
    if out.minutes is not None:
        out.lines.append("Stored minutes (bot.group.minutes.Minutes, as JSON):")
        out.lines.append(json.dumps(out.minutes.to_dict(), indent=2, ensure_ascii=False))
    return out


def main() -> None:
    """Write the transcript file from a throw-away SQLite database."""
    import tempfile

    from bot.content.loader import load_pack_file
    from bot.settings.config import DEFAULT_PACK_DIR
    from bot.storage.migrate import upgrade
    from bot.storage.session import make_engine, make_session_factory
    from tests.settings import make_settings

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/walkthrough.db"
        upgrade(url)
        engine = make_engine(url)
        try:
            result = run(
                make_session_factory(engine),
                load_pack_file(DEFAULT_PACK_DIR / "esscp-child-z.yml"),
                make_settings(),
            )
        finally:
            engine.dispose()
    TRANSCRIPT.write_text(result.text, encoding="utf-8")
    print(f"wrote {TRANSCRIPT}")


if __name__ == "__main__":
    main()
