"""Must show: a due Teams follow-up reaches the fake connector exactly once, with two replicas.

The follow-up is made the way a conversation makes it: opting in (bot.followup.service.opt_in,
as the action does, with the door's pseudonym of a Teams user) and the Teams output channel's
attach (bot.followup.references.attach, with the Conversation read from an activity the fake
connector shaped). Then `python -m bot.cli followups send` runs in two OS processes that start
at the same moment against the same PostgreSQL database, as two replicas' daily jobs would, each
getting its own token from the fake connector's token endpoint and posting to its Connector API.

Checked: the connector received the question exactly once, as a new message (no replyToId) in
the right conversation, with a token it issued; the stored reference is gone (NULL, and its
ciphertext nowhere in the table); running the job again sends nothing. And when the connector
answers 503 first: the reference is put back, the next run sends it, still exactly once.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker

from bot.content.loader import get_pack
from bot.followup.references import attach
from bot.followup.service import TEAMS_REFERENCE_KEY, Who, opt_in
from bot.reflections.receipts import sender_hash
from bot.settings.config import DEFAULT_PACK_DIR, Settings, child_environment
from bot.storage.migrate import upgrade
from bot.storage.models import Followup
from bot.storage.session import make_engine, make_session_factory, transaction
from bot.teams.activities import read_activity, sender_key
from tests.bot.storage.databases import temporary_database
from tests.e2e.fake_connector import TENANT_ID, FakeConnector, TeamsUser
from tests.settings import make_settings

pytestmark = pytest.mark.slow

APP_ID = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
APP_PASSWORD = "fake-connector-followup-secret"
#: Both replicas import first, then wait for this moment, so their runs really overlap.
START_SCRIPT = (
    "import sys, time\n"
    "from bot.cli import main\n"
    "time.sleep(max(0.0, float(sys.argv[1]) - time.time()))\n"
    "raise SystemExit(main(['followups', 'send']))\n"
)


@dataclass
class World:
    connector: FakeConnector
    settings: Settings
    factory: sessionmaker
    env: dict[str, str]
    tmp_path: Path


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with (
        FakeConnector(app_id=APP_ID, app_password=APP_PASSWORD) as connector,
        temporary_database("postgresql", tmp_path) as database,
        migrated_sessions_on(database.url) as factory,
    ):
        settings = connector.configure(
            make_settings(
                content_dir=DEFAULT_PACK_DIR, var_dir=tmp_path / "var", database_url=database.url
            )
        )
        env = child_environment(settings)  # what a replica reads: these settings, resolved
        yield World(connector, settings, factory, env, tmp_path)


@contextmanager
def migrated_sessions_on(url: str) -> Iterator[sessionmaker]:
    """Sessions on an already created database, migrated by Alembic like `reflect migrate`."""
    upgrade(url)
    engine = make_engine(url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def due_followup(world: World, user: TeamsUser) -> tuple[str, str]:
    """A follow-up opted into in a personal chat followup_days ago: (public id, conversation id)."""
    activity = world.connector.message("yes please, follow me up", user=user)
    conversation = read_activity(activity).conversation
    assert conversation is not None
    sender = sender_hash(sender_key(conversation), secret=world.settings.secret, channel="teams")
    pack = get_pack(DEFAULT_PACK_DIR, "esscp-child-z")
    opted_in = datetime.now(timezone.utc).date() - timedelta(days=world.settings.followup_days)
    result = opt_in(
        world.factory,
        world.settings,
        Who("teams", sender, None),
        pack=pack,
        points=[point.id for point in pack.discussion_points[:2]],
        today=opted_in,
    )
    public_id = str(result.payloads[0][TEAMS_REFERENCE_KEY])
    assert attach(world.factory, world.settings, public_id, conversation)
    return public_id, conversation.conversation_id


def run_replicas(world: World, count: int) -> list[str]:
    """`python -m bot.cli followups send` in ``count`` processes starting at the same moment."""
    start_at = time.time() + 12.0
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", START_SCRIPT, str(start_at)],
            cwd=world.tmp_path,
            env=world.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.append(out.strip())
    return outputs


def stored(world: World) -> list[Followup]:
    with transaction(world.factory) as session:
        return list(session.execute(select(Followup).order_by(Followup.id)).scalars())


def whole_table(world: World) -> str:
    """Every value of every followups row, as text, for "is it anywhere?" checks."""
    with transaction(world.factory) as session:
        return repr(session.execute(text("SELECT * FROM followups")).all())


def test_two_replicas_send_the_due_follow_up_exactly_once_and_delete_its_address(
    world: World,
) -> None:
    users = [TeamsUser(f"29:1followup{n}TeamsId", f"User {n}", f"aad-fu-{n}") for n in range(3)]
    due = [due_followup(world, user) for user in users]
    sealed = [row.reference for row in stored(world)]
    assert all(sealed)

    outputs = run_replicas(world, 2)

    proactive = world.connector.proactive
    assert sorted(reply.conversation_id for reply in proactive) == sorted(c for _, c in due)
    pack = get_pack(DEFAULT_PACK_DIR, "esscp-child-z")
    issued = world.connector.issued_tokens
    for reply in proactive:
        assert "replyToId" not in reply.activity and reply.service_path == "/amer/"
        assert reply.bearer in issued
        assert pack.title in reply.text and "What has changed in your practice" in reply.text
        assert reply.activity["channelData"] == {"tenant": {"id": TENANT_ID}}
        assert [a["value"]["payload"] for a in reply.actions] == [
            "/answer_followup",
            "/deny",
            "/opt_out_followup",
        ]
    print("two replicas:", outputs)  # shown with -s: how the follow-ups were shared out
    sent = [int(out.split("sent ")[1].split(",")[0]) if "sent " in out else 0 for out in outputs]
    assert sum(sent) == 3, outputs
    rows = stored(world)
    assert [row.status for row in rows] == ["asked"] * 3
    assert all(row.reference is None for row in rows)
    table = whole_table(world)
    for ciphertext in sealed:
        assert ciphertext is not None and ciphertext not in table
    for _, conversation_id in due:
        assert conversation_id not in table

    again = run_replicas(world, 1)

    assert again == ["Follow-ups: none due."]
    assert len(world.connector.proactive) == 3


def test_a_503_first_is_retried_on_the_next_run_and_still_sent_once(world: World) -> None:
    public_id, conversation_id = due_followup(world, TeamsUser("29:1busyTeamsId", "Busy", "a-b"))
    world.connector.fail_next_posts(503)

    first = run_replicas(world, 2)

    assert world.connector.proactive == [] and len(world.connector.failed_posts) == 1
    [row] = stored(world)
    assert row.status == "pending" and row.attempts == 1 and row.reference is not None
    assert any("failed 1" in out for out in first), first

    second = run_replicas(world, 2)

    [reply] = world.connector.proactive
    assert (
        reply.conversation_id == conversation_id and reply.bearer in world.connector.issued_tokens
    )
    [row] = stored(world)
    assert row.public_id == public_id and row.status == "asked" and row.reference is None
    assert any("sent 1" in out for out in second), second
    assert run_replicas(world, 1) == ["Follow-ups: none due."]
    assert len(world.connector.proactive) == 1
