from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import fields
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.reflections.receipts import attempt_key, normalise_code, receipt_hash, sender_hash
from bot.reflections.service import (
    AGENCIES,
    ALL_SENDERS_KEY,
    WITHDRAWAL_FAILURES_PER_DAY,
    WITHDRAWAL_GLOBAL_FAILURES_PER_DAY,
    EmptyReflectionError,
    InvalidReflectionFieldError,
    Limited,
    Receipt,
    ReflectionError,
    ReflectionRow,
    ReflectionTooLongError,
    UnknownAgencyError,
    WithdrawalOutcome,
    attempt_withdrawal,
    iso_week_label,
    limited_attempt,
    list_reflections,
    purge,
    purge_tracker_events,
    purge_withdrawal_attempts,
    receipt_in_use,
    record_reflection,
    week_start,
    withdraw_minutes,
    withdraw_reflection,
)
from bot.storage.migrate import upgrade
from bot.storage.models import GroupMinutes, Reflection, WithdrawalAttempt
from bot.storage.session import make_engine, make_session_factory, transaction
from tests.bot.storage.databases import (
    BACKENDS,
    REFLECTION_COLUMNS,
    TestDatabase,
    temporary_database,
)

SECRET = b"test-secret-0123456789abcdef"
OTHER_SECRET = b"another-secret-9876543210fedcba"
THURSDAY = date(2026, 11, 26)  # in 2026-W48, which starts on Monday 2026-11-23
TEXT = "In a case last year I did not tell mum about [NAME]'s history; I would now ask SPoA."


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    with temporary_database(request.param, tmp_path) as db:
        upgrade(db.url)
        yield db


@pytest.fixture
def factory(database: TestDatabase) -> Iterator[sessionmaker]:
    engine = make_engine(database.url)
    yield make_session_factory(engine)
    engine.dispose()


def _record(session: Session, **overrides: object) -> Receipt:
    arguments: dict[str, object] = {
        "session": session,
        "text": TEXT,
        "pack_id": "esscp-child-z",
        "pack_version": "1.0.0",
        "point_id": "dp-2",
        "agency": "health",
        "channel_kind": "rest",
        "secret": SECRET,
        "today": THURSDAY,
    }
    arguments.update(overrides)
    return record_reflection(**arguments)  # type: ignore[arg-type]


def _count(factory: sessionmaker, table: str = "reflections") -> int:
    with transaction(factory) as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


# --- time is coarsened to the ISO week ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label", "monday"),
    [
        (date(2026, 11, 26), "2026-W48", date(2026, 11, 23)),
        (date(2026, 11, 23), "2026-W48", date(2026, 11, 23)),
        (date(2026, 11, 29), "2026-W48", date(2026, 11, 23)),
        (date(2027, 1, 1), "2026-W53", date(2026, 12, 28)),
        (date(2027, 1, 3), "2026-W53", date(2026, 12, 28)),
        (date(2027, 1, 4), "2027-W01", date(2027, 1, 4)),
        (date(2025, 12, 31), "2026-W01", date(2025, 12, 29)),
        (date(2026, 3, 4), "2026-W10", date(2026, 3, 2)),
    ],
)
def test_iso_week_across_year_boundaries(day: date, label: str, monday: date) -> None:
    assert iso_week_label(day) == label
    assert week_start(day) == monday


# --- recording ------------------------------------------------------------------------------


def test_record_stores_the_anonymised_text_and_only_the_week(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        receipt = _record(session, today=date(2027, 1, 1))

    with transaction(factory) as session:
        row = session.execute(select(Reflection)).scalar_one()
        assert row.text == TEXT
        assert row.pack_id == "esscp-child-z"
        assert row.pack_version == "1.0.0"
        assert row.point_id == "dp-2"
        assert row.agency == "health"
        assert row.channel_kind == "rest"
        assert row.iso_week == "2026-W53"
        assert row.created_week_start == date(2026, 12, 28)
        assert row.receipt_hash == receipt_hash(receipt.code, secret=SECRET)
    assert receipt.iso_week == "2026-W53"
    assert normalise_code(receipt.code) == receipt.code


def test_reflection_table_has_no_column_that_could_identify_a_sender(
    factory: sessionmaker, database: TestDatabase
) -> None:
    engine = make_engine(database.url)
    try:
        columns = [column["name"] for column in inspect(engine).get_columns("reflections")]
    finally:
        engine.dispose()

    assert sorted(columns) == sorted(REFLECTION_COLUMNS)


def test_the_receipt_code_itself_is_stored_nowhere(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        receipt = _record(session)

    with transaction(factory) as session:
        values = session.execute(select(Reflection.__table__)).one()
    flat = " ".join(str(value) for value in values).upper()
    assert receipt.code not in flat
    assert receipt.code.replace("-", "") not in flat


def test_receipt_repr_does_not_reveal_the_code() -> None:
    receipt = Receipt(code="7K2QD-M9XAT", iso_week="2026-W48")

    assert "7K2QD" not in repr(receipt)
    assert "2026-W48" in repr(receipt)


def test_surrounding_whitespace_is_not_content(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        _record(session, text="  \n Line one\nline two  \n")

    with transaction(factory) as session:
        assert session.execute(select(Reflection.text)).scalar_one() == "Line one\nline two"


@pytest.mark.parametrize("agency", [*AGENCIES, None])
def test_every_offered_agency_and_prefer_not_to_say_are_accepted(
    factory: sessionmaker, agency: str | None
) -> None:
    with transaction(factory) as session:
        _record(session, agency=agency)

    with transaction(factory) as session:
        assert session.execute(select(Reflection.agency)).scalar_one() == agency


def test_4000_characters_is_allowed(factory: sessionmaker) -> None:
    long_text = "é" * 4000  # characters, not bytes

    with transaction(factory) as session:
        _record(session, text=long_text)

    with transaction(factory) as session:
        assert session.execute(select(Reflection.text)).scalar_one() == long_text


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"text": ""}, EmptyReflectionError, "cannot be empty"),
        ({"text": " \n\t "}, EmptyReflectionError, "cannot be empty"),
        ({"text": "x" * 4001}, ReflectionTooLongError, "at most 4,000 characters"),
        ({"text": "a\x00b"}, ReflectionError, "NUL"),
        ({"agency": "Police"}, UnknownAgencyError, "Unknown agency"),
        ({"agency": "prefer_not_to_say"}, UnknownAgencyError, "Unknown agency"),
        ({"pack_id": ""}, InvalidReflectionFieldError, "pack_id"),
        ({"pack_version": " "}, InvalidReflectionFieldError, "pack_version"),
        ({"point_id": "p" * 101}, InvalidReflectionFieldError, "point_id"),
        ({"channel_kind": "Teams!"}, InvalidReflectionFieldError, "channel_kind"),
    ],
)
def test_invalid_reflections_are_refused_with_a_clear_error(
    factory: sessionmaker, overrides: dict[str, object], error: type[Exception], message: str
) -> None:
    with transaction(factory) as session:
        with pytest.raises(error, match=message) as raised:
            _record(session, **overrides)
        assert isinstance(raised.value, ReflectionError)

    assert _count(factory) == 0


def test_errors_never_quote_the_reflection_text(factory: sessionmaker) -> None:
    secret_words = "Mrs Smith at 12 Acacia Avenue " * 200

    with transaction(factory) as session, pytest.raises(ReflectionTooLongError) as raised:
        _record(session, text=secret_words)

    assert "Acacia" not in str(raised.value)


def test_database_refuses_an_unknown_agency_even_bypassing_the_service(
    factory: sessionmaker,
) -> None:
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.execute(
            insert(Reflection).values(
                pack_id="p",
                pack_version="1",
                point_id="dp",
                text="t",
                agency="secret_service",
                iso_week="2026-W48",
                channel_kind="rest",
                receipt_hash="0" * 64,
                created_week_start=date(2026, 11, 23),
            )
        )


def test_each_reflection_gets_its_own_receipt(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        codes = {_record(session).code for _ in range(20)}

    assert len(codes) == 20
    assert _count(factory) == 20


# --- withdrawing ----------------------------------------------------------------------------


def _digest(code: str, secret: bytes = SECRET) -> str:
    """What the door puts in a message for a typed code (a malformed one matches nothing)."""
    try:
        return receipt_hash(code, secret=secret)
    except ValueError:
        return "0" * 64


def test_withdraw_with_the_right_code_really_deletes_the_row(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        receipt = _record(session)
        _record(session, text="Another practitioner's reflection.")

    with transaction(factory) as session:
        assert withdraw_reflection(session=session, digest=_digest(receipt.code, SECRET)) is True

    assert _count(factory) == 1
    with transaction(factory) as session:
        assert session.execute(select(Reflection.text)).scalar_one() == (
            "Another practitioner's reflection."
        )
        digest = receipt_hash(receipt.code, secret=SECRET)
        gone = session.execute(
            text("SELECT count(*) FROM reflections WHERE receipt_hash = :h"), {"h": digest}
        ).scalar_one()
    assert gone == 0


def test_withdraw_accepts_the_code_as_a_person_types_it(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        receipt = _record(session)
    messy = receipt.code.lower().replace("-", " ").replace("0", "o").replace("1", "l")

    with transaction(factory) as session:
        assert withdraw_reflection(session=session, digest=_digest(messy, SECRET)) is True

    assert _count(factory) == 0


def test_withdraw_twice_finds_nothing_the_second_time(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        receipt = _record(session)
    with transaction(factory) as session:
        assert withdraw_reflection(session=session, digest=_digest(receipt.code, SECRET))

    with transaction(factory) as session:
        assert not withdraw_reflection(session=session, digest=_digest(receipt.code, SECRET))


@pytest.mark.parametrize("wrong", ["00000-00000", "ZZZZZ-ZZZZZ"])
def test_withdraw_with_a_wrong_code_deletes_nothing(factory: sessionmaker, wrong: str) -> None:
    with transaction(factory) as session:
        receipt = _record(session)
    assert receipt.code != wrong

    with transaction(factory) as session:
        assert withdraw_reflection(session=session, digest=_digest(wrong, SECRET)) is False

    assert _count(factory) == 1


def test_withdraw_under_another_secret_deletes_nothing(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        receipt = _record(session)

    with transaction(factory) as session:
        assert (
            withdraw_reflection(session=session, digest=_digest(receipt.code, OTHER_SECRET))
            is False
        )

    assert _count(factory) == 1


@pytest.mark.parametrize("malformed", ["", "hello", "12345", "UUUUU-UUUUU", "DROP TABLE x;"])
def test_withdraw_with_a_hash_of_nothing_is_false(factory: sessionmaker, malformed: str) -> None:
    with transaction(factory) as session:
        _record(session)

    with transaction(factory) as session:
        assert withdraw_reflection(session=session, digest=_digest(malformed, SECRET)) is False

    assert _count(factory) == 1


# --- limiting withdrawal attempts --------------------------------------------------------------


def _key(day: date = THURSDAY, sender: str = "29:teams-user") -> str:
    return attempt_key(sender_hash(sender, secret=SECRET, channel="rest"), secret=SECRET, day=day)


def test_withdrawal_succeeds_and_is_not_counted(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        receipts = [_record(session) for _ in range(WITHDRAWAL_FAILURES_PER_DAY + 2)]

    for receipt in receipts:
        with transaction(factory) as session:
            outcome = attempt_withdrawal(
                session=session, digest=_digest(receipt.code), sender_key=_key(), today=THURSDAY
            )
        assert outcome is WithdrawalOutcome.WITHDRAWN

    assert _count(factory) == 0
    assert _count(factory, "withdrawal_attempts") == 0


def test_too_many_failures_block_even_the_right_code_until_tomorrow(
    factory: sessionmaker,
) -> None:
    with transaction(factory) as session:
        receipt = _record(session)

    for _ in range(WITHDRAWAL_FAILURES_PER_DAY):
        with transaction(factory) as session:
            outcome = attempt_withdrawal(
                session=session,
                digest=_digest("00000-00000"),
                sender_key=_key(),
                today=THURSDAY,
            )
        assert outcome is WithdrawalOutcome.NOT_FOUND

    with transaction(factory) as session:
        blocked = attempt_withdrawal(
            session=session, digest=_digest(receipt.code), sender_key=_key(), today=THURSDAY
        )
    assert blocked is WithdrawalOutcome.TOO_MANY_ATTEMPTS
    assert _count(factory) == 1

    # Another sender is not affected, and tomorrow the same sender may try again.
    with transaction(factory) as session:
        other = attempt_withdrawal(
            session=session,
            digest=_digest("00000-00000"),
            sender_key=_key(sender="someone-else"),
            today=THURSDAY,
        )
    assert other is WithdrawalOutcome.NOT_FOUND
    friday = THURSDAY + timedelta(days=1)
    with transaction(factory) as session:
        outcome = attempt_withdrawal(
            session=session, digest=_digest(receipt.code), sender_key=_key(friday), today=friday
        )
    assert outcome is WithdrawalOutcome.WITHDRAWN
    assert _count(factory) == 0


GLOBAL_CAP = WITHDRAWAL_GLOBAL_FAILURES_PER_DAY


def _fail(factory: sessionmaker, sender: str, day: date = THURSDAY) -> WithdrawalOutcome:
    with transaction(factory) as session:
        return attempt_withdrawal(
            session=session,
            digest=_digest("00000-00000"),
            sender_key=_key(day, sender=sender),
            today=day,
        )


def test_rotating_senders_meet_a_daily_cap_on_failures_across_all_senders(
    factory: sessionmaker, caplog: pytest.LogCaptureFixture
) -> None:
    with transaction(factory) as session:
        receipt = _record(session)
    per_sender = WITHDRAWAL_FAILURES_PER_DAY - 1  # never enough to trip the per-sender limit
    senders = [f"rotating-{n}" for n in range(GLOBAL_CAP // per_sender + 1)]

    with caplog.at_level(logging.WARNING, logger="bot.reflections.service"):
        outcomes = [_fail(factory, sender) for sender in senders for _ in range(per_sender)]

    assert outcomes[:GLOBAL_CAP] == [WithdrawalOutcome.NOT_FOUND] * GLOBAL_CAP
    assert set(outcomes[GLOBAL_CAP:]) == {WithdrawalOutcome.TOO_MANY_ATTEMPTS}
    # Beyond the cap a new sender's wrong code is refused, but the right code still works:
    # others' failures must not lock a practitioner out of their own reflection (a DoS).
    assert _fail(factory, "a-newcomer") is WithdrawalOutcome.TOO_MANY_ATTEMPTS
    with transaction(factory) as session:
        withdrawn = attempt_withdrawal(
            session=session,
            digest=_digest(receipt.code),
            sender_key=_key(sender="another-newcomer"),
            today=THURSDAY,
        )
    assert withdrawn is WithdrawalOutcome.WITHDRAWN
    assert _count(factory) == 0
    # One warning an operator can alert on: a stable event name and counts, nothing else.
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.getMessage() == (
        f"withdrawal_failures_cap_reached failures={GLOBAL_CAP} cap={GLOBAL_CAP}"
    )
    # Tomorrow the cap starts again.
    friday = THURSDAY + timedelta(days=1)
    assert _fail(factory, "rotating-0", day=friday) is WithdrawalOutcome.NOT_FOUND


def _fail_with_cap(factory: sessionmaker, *, sender: str, cap: int) -> WithdrawalOutcome:
    with transaction(factory) as session:
        return attempt_withdrawal(
            session=session,
            digest=_digest("00000-00000"),
            sender_key=_key(sender=sender),
            today=THURSDAY,
            max_global_failures=cap,
        )


def test_the_cap_across_senders_is_a_parameter(factory: sessionmaker) -> None:
    outcomes = [_fail_with_cap(factory, sender=f"s{n}", cap=3) for n in range(4)]

    assert outcomes == [WithdrawalOutcome.NOT_FOUND] * 3 + [WithdrawalOutcome.TOO_MANY_ATTEMPTS]


def test_malformed_codes_count_as_failures(factory: sessionmaker) -> None:
    for _ in range(3):
        with transaction(factory) as session:
            attempt_withdrawal(
                session=session, digest=_digest("nonsense"), sender_key=_key(), today=THURSDAY
            )

    with transaction(factory) as session:
        rows = session.execute(select(WithdrawalAttempt.sender_key, WithdrawalAttempt.attempts))
        attempts = dict(rows.all())
    assert attempts == {_key(): 3, ALL_SENDERS_KEY: 3}


def test_attempt_counters_are_purged_after_their_day(factory: sessionmaker) -> None:
    wednesday = THURSDAY - timedelta(days=1)
    with transaction(factory) as session:
        attempt_withdrawal(
            session=session,
            digest=_digest("00000-00000"),
            sender_key=_key(wednesday),
            today=wednesday,
        )
        attempt_withdrawal(
            session=session, digest=_digest("00000-00000"), sender_key=_key(), today=THURSDAY
        )
    # The Thursday attempt swept away Wednesday's counters (its sender's and everyone's).
    with transaction(factory) as session:
        days = session.execute(select(WithdrawalAttempt.day)).scalars().all()
    assert days == [THURSDAY, THURSDAY]

    with transaction(factory) as session:
        removed = purge_withdrawal_attempts(session=session, today=THURSDAY + timedelta(days=1))
    assert removed == 2
    assert _count(factory, "withdrawal_attempts") == 0


# --- retention ------------------------------------------------------------------------------


def test_purge_removes_only_reflections_past_retention(factory: sessionmaker) -> None:
    now = date(2026, 11, 22)  # 90 days after Monday 2026-08-24
    with transaction(factory) as session:
        _record(session, text="old", today=date(2026, 8, 1))  # week starts 2026-07-27
        _record(session, text="edge", today=date(2026, 8, 27))  # week starts 2026-08-24
        _record(session, text="recent", today=date(2026, 11, 2))

    with transaction(factory) as session:
        removed = purge(session=session, now=now, retention_days=90)

    assert removed == 1
    with transaction(factory) as session:
        remaining = set(session.execute(select(Reflection.text)).scalars())
    assert remaining == {"edge", "recent"}

    # The edge week started exactly 90 days ago: kept today, gone tomorrow.
    with transaction(factory) as session:
        assert purge(session=session, now=now, retention_days=90) == 0
        assert purge(session=session, now=now + timedelta(days=1), retention_days=90) == 1
    with transaction(factory) as session:
        assert session.execute(select(Reflection.text)).scalars().all() == ["recent"]


def test_purge_accepts_a_datetime_for_now(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        _record(session, today=date(2026, 1, 5))

    with transaction(factory) as session:
        removed = purge(
            session=session, now=datetime(2026, 1, 6, 23, 59, tzinfo=timezone.utc), retention_days=0
        )
    assert removed == 1


def test_purge_refuses_negative_retention(factory: sessionmaker) -> None:
    with transaction(factory) as session, pytest.raises(ValueError, match="negative"):
        purge(session=session, now=THURSDAY, retention_days=-1)


# --- Rasa tracker store retention -------------------------------------------------------------


def _rasa_events_table(metadata: MetaData) -> Table:
    """The SQLTrackerStore ``events`` table as Rasa 3.6 creates it."""
    return Table(
        "events",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255), nullable=False, index=True),
        Column("type_name", String(255), nullable=False),
        Column("timestamp", Float),
        Column("intent_name", String(255)),
        Column("action_name", String(255)),
        Column("data", Text),
    )


@pytest.fixture(params=BACKENDS)
def tracker_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestDatabase]:
    with temporary_database(request.param, tmp_path) as db:
        yield db


def test_purge_tracker_events_deletes_only_old_events(tracker_database: TestDatabase) -> None:
    now = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
    metadata = MetaData()
    events = _rasa_events_table(metadata)
    engine = make_engine(tracker_database.url)
    try:
        metadata.create_all(engine)  # stands in for Rasa creating its tracker store
        with engine.begin() as connection:
            for days_ago, sender in [(40, "old"), (31, "old"), (29, "new"), (0, "new")]:
                connection.execute(
                    insert(events).values(
                        sender_id=f"s_{sender}",
                        type_name="user",
                        timestamp=(now - timedelta(days=days_ago)).timestamp(),
                        data="{}",
                    )
                )

        removed = purge_tracker_events(
            tracker_database_url=tracker_database.url, now=now, retention_days=30
        )

        with engine.connect() as connection:
            senders = connection.execute(select(events.c.sender_id)).scalars().all()
            total = connection.execute(select(func.count()).select_from(events)).scalar_one()
    finally:
        engine.dispose()

    assert removed == 2
    assert total == 2
    assert set(senders) == {"s_new"}


def test_purge_tracker_events_without_a_tracker_table_is_zero(
    tracker_database: TestDatabase,
) -> None:
    removed = purge_tracker_events(
        tracker_database_url=tracker_database.url,
        now=datetime(2026, 11, 26, tzinfo=timezone.utc),
        retention_days=30,
    )

    assert removed == 0


def test_purge_tracker_events_needs_an_aware_datetime(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        purge_tracker_events(
            tracker_database_url=f"sqlite:///{tmp_path / 'tracker.db'}",
            now=datetime(2026, 11, 26),
            retention_days=30,
        )


# --- listing for export ---------------------------------------------------------------------


def test_list_reflections_returns_export_rows_without_ids_or_hashes(
    factory: sessionmaker,
) -> None:
    with transaction(factory) as session:
        _record(session, text="b", point_id="dp-2")
        _record(session, text="a", point_id="dp-1", agency=None, channel_kind="teams")
        _record(session, text="other pack", pack_id="another-pack")

    with transaction(factory) as session:
        rows = list_reflections(session=session, pack_id="esscp-child-z")
        everything = list_reflections(session=session)

    assert rows == [
        ReflectionRow(
            pack_id="esscp-child-z",
            pack_version="1.0.0",
            point_id="dp-1",
            iso_week="2026-W48",
            agency=None,
            channel_kind="teams",
            text="a",
        ),
        ReflectionRow(
            pack_id="esscp-child-z",
            pack_version="1.0.0",
            point_id="dp-2",
            iso_week="2026-W48",
            agency="health",
            channel_kind="rest",
            text="b",
        ),
    ]
    assert len(everything) == 3
    assert {field.name for field in fields(ReflectionRow)}.isdisjoint({"id", "receipt_hash"})


def test_list_reflections_of_an_empty_store_is_empty(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        assert list_reflections(session=session) == []


# --- group sessions: tagged reflections, minutes in the same code space ------------------------


def _minutes_row(digest: str, public_id: str = "m1") -> GroupMinutes:
    return GroupMinutes(
        public_id=public_id,
        pack_id="esscp-child-z",
        pack_version="1.0.0",
        iso_week="2026-W48",
        created_week_start=date(2026, 11, 23),
        body="{}",
        receipt_hash=digest,
    )


def test_a_reflection_can_carry_the_group_session_it_was_written_in(
    factory: sessionmaker,
) -> None:
    with transaction(factory) as session:
        _record(session, group_ref="g-session-1")
        _record(session)

    with transaction(factory) as session:
        refs = sorted(session.execute(select(Reflection.group_ref)).scalars(), key=str)
    assert refs == ["g-session-1", None] or refs == [None, "g-session-1"]
    with transaction(factory) as session, pytest.raises(InvalidReflectionFieldError):
        _record(session, group_ref="x" * 33)


def test_one_withdrawal_finds_a_reflection_or_minutes(factory: sessionmaker) -> None:
    minutes_code = "7K3QF-X9M2D"
    with transaction(factory) as session:
        receipt = _record(session)
        session.add(_minutes_row(receipt_hash(minutes_code, secret=SECRET)))

    outcomes = []
    for code in (minutes_code, receipt.code, minutes_code):
        with transaction(factory) as session:
            outcomes.append(
                attempt_withdrawal(
                    session=session, digest=_digest(code), sender_key=_key(), today=THURSDAY
                )
            )

    assert outcomes == [
        WithdrawalOutcome.MINUTES_WITHDRAWN,
        WithdrawalOutcome.WITHDRAWN,
        WithdrawalOutcome.NOT_FOUND,
    ]
    assert _count(factory) == 0 and _count(factory, "group_minutes") == 0
    assert _count(factory, "withdrawal_attempts") == 2  # the sender's failure and the total


def test_withdraw_minutes_deletes_only_the_matching_row(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        session.add(_minutes_row("a" * 64, "m1"))
        session.add(_minutes_row("b" * 64, "m2"))

    with transaction(factory) as session:
        assert withdraw_minutes(session=session, digest="a" * 64)
        assert not withdraw_minutes(session=session, digest="a" * 64)
        assert session.execute(select(GroupMinutes.public_id)).scalars().all() == ["m2"]


def test_a_receipt_hash_in_use_by_minutes_is_in_use(factory: sessionmaker) -> None:
    with transaction(factory) as session:
        receipt = _record(session)
        session.add(_minutes_row("c" * 64))

    with transaction(factory) as session:
        assert receipt_in_use(session=session, digest=receipt_hash(receipt.code, secret=SECRET))
        assert receipt_in_use(session=session, digest="c" * 64)
        assert not receipt_in_use(session=session, digest="d" * 64)


def test_limited_attempt_counts_failures_under_its_own_keys(factory: sessionmaker) -> None:
    def attempt(value: str | None) -> Limited[str]:
        with transaction(factory) as session:
            return limited_attempt(
                session=session,
                attempt=lambda: value,
                sender_key="j_" + "1" * 64,
                today=THURSDAY,
                max_failures=2,
                max_global_failures=10,
                global_key="all-joiners",
                cap_event="join_cap",
            )

    assert attempt("found") == Limited(refused=False, value="found")
    assert attempt(None) == Limited(refused=False)
    assert attempt(None) == Limited(refused=False)
    assert attempt("found") == Limited(refused=True)
    with transaction(factory) as session:
        keys = set(session.execute(select(WithdrawalAttempt.sender_key)).scalars())
    assert keys == {"j_" + "1" * 64, "all-joiners"}
