"""Canary: a whole REST conversation full of identifiers leaves none of them anywhere we keep.

Reflect promises practitioners that nothing identifying is stored. This test talks to the real
Rasa and action servers (DEBUG logging) on SQLite and on PostgreSQL with messages carrying 20
kinds of fictional identifiers, inside and outside the reflection flow, then stops the servers
and searches every row of every table (Rasa's tracker store and our reflections tables), every
log file and every file under var/ for each identifier and for the raw sender id.

Positive controls keep it from passing vacuously: the events table and the reflections table
are filled, the logs are at DEBUG, the stored reflection carries the anonymiser's placeholders.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from bot.run import Stack, start_stack
from bot.settings.config import Settings
from tests.e2e.conftest import Rest, free_port

pytestmark = pytest.mark.slow

# The raw channel id of the practitioner: only its keyed hash may ever be stored or logged.
SENDER = "canary-practitioner@example.org"

POSTGRES_ADMIN_DSN = "dbname=postgres user=postgres host=127.0.0.1"
POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"


@dataclass(frozen=True)
class Identifier:
    """One kind of identifier, its fictional value, and every form a leak of it could take.

    ``also`` lists parts that identify on their own (a surname, a street, an email's local
    part). Values with digits are also searched with spaces and punctuation removed
    ("07700 900461" as "07700900461"), in a haystack with the same characters removed.
    """

    kind: str
    value: str
    also: tuple[str, ...] = ()
    compact: bool = False

    @property
    def needles(self) -> tuple[str, ...]:
        return (self.value, *self.also)


IDENTIFIERS: tuple[Identifier, ...] = (
    Identifier("first name, lower case in context", "jo"),
    Identifier("full name", "Kayden Smithers", also=("Kayden", "Smithers")),
    Identifier("name that is also a word", "Grace"),
    Identifier("titled surname", "DC Okafor", also=("Okafor",)),
    Identifier("date of birth", "14/03/2019", compact=True),
    Identifier("specific date", "3rd March 2021", compact=True),
    Identifier("street address", "14 Seaview Road", also=("Seaview",), compact=True),
    Identifier("town", "Hailsham"),
    Identifier("postcode", "BN27 3QT", compact=True),
    Identifier("mobile number", "07700 900461", compact=True),
    Identifier("landline number", "(01632) 960 123", also=("01632 960 123",), compact=True),
    Identifier("+44 number", "+44 7700 900982", also=("7700 900982",), compact=True),
    Identifier("email address", "kayden.mum@example.com", also=("kayden.mum",)),
    Identifier(
        "URL", "https://facebook.com/kayden.smithers", also=("facebook.com/kayden.smithers",)
    ),
    Identifier("social media handle", "@kaydenmum99", also=("kaydenmum99",)),
    Identifier("NHS number (valid check digit)", "943 476 5919", compact=True),
    Identifier("National Insurance number", "QQ 12 34 56 C", compact=True),
    Identifier("crime reference", "47/12345/21", compact=True),
    Identifier("school", "Oakwood Primary School", also=("Oakwood",)),
    Identifier("GP surgery", "Meads Surgery", also=("Meads",)),
)
RAW_SENDER = Identifier("raw sender id", SENDER, also=("canary-practitioner",), compact=True)
SEARCHED: tuple[Identifier, ...] = (*IDENTIFIERS, RAW_SENDER)

# --- the conversation -----------------------------------------------------------------------

QUESTION = (
    "what's the learning on information sharing? my colleague jo has a family like this in "
    "Hailsham, BN27 3QT"
)
NEXT_WITH_PHONE = "next, and ring me on 07700 900461 if you need me"
REFLECTION_PART_1 = (
    "My colleague jo and I reflected on Kayden Smithers, born 14/03/2019, who lived with mum "
    "Grace at 14 Seaview Road, Hailsham BN27 3QT. On 3rd March 2021 DC Okafor gave crime ref "
    "47/12345/21, but nobody told Oakwood Primary School or Meads Surgery about the new partner."
)
REFLECTION_PART_2 = (
    "Mum's mobile was 07700 900461, the landline (01632) 960 123 and dad's number "
    "+44 7700 900982. She wrote from kayden.mum@example.com and posted on "
    "https://facebook.com/kayden.smithers and as @kaydenmum99. His NHS number 943 476 5919 and "
    "dad's NI number QQ 12 34 56 C were on file, so we could have checked who else was in the "
    "household."
)
URGENT = (
    "Kayden Smithers has just told me his stepdad hit him last night, he is at 14 Seaview Road, "
    "Hailsham now"
)
PROCEDURES = (
    "procedures and contacts please, I need to ring DC Okafor about crime ref 47/12345/21 and "
    "email kayden.mum@example.com"
)
PRIVACY = "is this anonymous? I mentioned mum Grace and his NHS number 943 476 5919"
SCHOOL_AND_GP = (
    "the DSL at Oakwood Primary School and Meads Surgery on (01632) 960 123 both knew, and mum "
    "messaged from @kaydenmum99 and +44 7700 900982"
)
WRONG_CODE = "ZZZZZ-00000"

USER_MESSAGES = (
    QUESTION,
    NEXT_WITH_PHONE,
    REFLECTION_PART_1,
    REFLECTION_PART_2,
    URGENT,
    PROCEDURES,
    PRIVACY,
    SCHOOL_AND_GP,
)


def test_every_identifier_is_in_the_conversation() -> None:
    """The canary only means something if every identifier is actually sent (and findable)."""
    sent = "\n".join(USER_MESSAGES)
    for identifier in IDENTIFIERS:
        assert identifier.value in sent, identifier.kind
        assert find_leaks({"the messages": [sent]}, [identifier]), identifier.kind
    assert len(IDENTIFIERS) >= 15
    # The reflection alone carries every identifier, so the reflections table is tested for all.
    reflection = f"{REFLECTION_PART_1}\n\n{REFLECTION_PART_2}"
    assert all(identifier.value in reflection for identifier in IDENTIFIERS)


def test_the_scanner_finds_reformatted_numbers_and_ignores_lookalikes() -> None:
    found = find_leaks(
        {
            "a": ["call 07700-900-461 now", "NHS 9434765919", "ni qq123456c", "bn273qt"],
            "b": ['{"sender_id": "canary-practitioner@example.org"}', "GRACE", "[NAME 1]"],
            "c": ['{"who": "jo"}'],
        },
        SEARCHED,
    )
    kinds = {leak.kind for leak in found}
    assert {
        "mobile number",
        "NHS number (valid check digit)",
        "National Insurance number",
        "postcode",
        "raw sender id",
        "name that is also a word",
        "first name, lower case in context",
    } <= kinds
    # Not identifiers: a word containing a short name, a graceful shutdown, a timestamp's digits.
    assert not find_leaks(
        {
            "c": [
                "major journey",
                "graceful shutdown",
                "1732694043.14032019",
                "x-1403201999",
                "a widget token Xq-Jo_9f inside a tracker row",
            ]
        },
        SEARCHED,
    )


RECEIPT = re.compile(r"receipt code is \*\*(?P<code>[0-9A-Z]{5}-[0-9A-Z]{5})\*\*")


def converse(chat: Rest) -> str:
    """The conversation, asserting only where the flow must have worked; the receipt code."""
    assert "Hello" in chat.text_of("hello")
    chat.text_of(QUESTION)
    assert "Point 1 of 4" in chat.text_of("discuss and reflect")
    chat.text_of(NEXT_WITH_PHONE)

    assert "Write your reflection" in chat.text_of("/add_reflection")
    preview = chat.text_of(REFLECTION_PART_1)
    assert "exactly what will be saved" in preview and "[NAME" in preview, preview
    assert "Write your reflection" in chat.text_of("/add_to_reflection")
    preview = chat.text_of(REFLECTION_PART_2)
    assert "exactly what will be saved" in preview and "[PHONE" in preview, preview
    assert "Which kind of organisation" in chat.text_of("/save_reflection")
    receipt = chat.text_of('/choose_agency{"agency":"prefer_not_to_say"}')
    found = RECEIPT.search(receipt)
    assert found, receipt

    urgent = chat.text_of(URGENT)
    assert "call 999 now" in urgent and "01323 464222" in urgent, urgent
    chat.text_of(PROCEDURES)
    chat.text_of(PRIVACY)
    chat.text_of(SCHOOL_AND_GP)

    assert "receipt code" in chat.text_of("withdraw my reflection")
    assert "No reflection matches" in chat.text_of(WRONG_CODE)
    assert "Goodbye" in chat.text_of("goodbye")
    return found.group("code")


# --- finding leaks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Leak:
    kind: str
    needle: str
    where: str
    count: int

    def __str__(self) -> str:
        times = "once" if self.count == 1 else f"{self.count} times"
        return f"{self.kind} ({self.needle!r}) in {self.where}, {times}"


# A needle this short also turns up by chance inside random tokens kept in the tracker (a
# base64url widget session, "…-Jo_…"), and CI once failed on exactly that: for short needles
# the URL-safe alphabet's "-" and "_" continue a token, so they do not end a word. A real leak
# of "jo" sits among words ("colleague jo has", '"jo"') and is still found.
_SHORT_NEEDLE = 3


def _bounded(pattern: str, needle: str) -> str:
    """No letter or digit may continue the needle on either side ("jo" is not in "major")."""
    word = r"0-9a-z_\-" if len(needle) <= _SHORT_NEEDLE else r"0-9a-z"
    before = rf"(?<![{word}])" if needle[:1].isalnum() else ""
    after = rf"(?![{word}])" if needle[-1:].isalnum() else ""
    return f"{before}{pattern}{after}"


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


@dataclass
class _Matcher:
    identifiers: Iterable[Identifier]
    patterns: list[tuple[str, str, re.Pattern[str], bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for identifier in self.identifiers:
            for needle in identifier.needles:
                # Any run of spaces in the needle matches any run of whitespace.
                words = r"\s+".join(re.escape(part) for part in needle.lower().split())
                pattern = re.compile(_bounded(words, needle))
                self.patterns.append((identifier.kind, needle, pattern, False))
            if identifier.compact:
                squeezed = _compact(identifier.value)
                # In the squeezed haystack letters run together, so only digits bound a match.
                before = r"(?<![0-9])" if squeezed[:1].isdigit() else ""
                after = r"(?![0-9])" if squeezed[-1:].isdigit() else ""
                pattern = re.compile(f"{before}{re.escape(squeezed)}{after}")
                self.patterns.append((identifier.kind, squeezed, pattern, True))

    def search(self, text: str) -> Iterator[tuple[str, str]]:
        """(kind, needle) for each form found; the squeezed form only if no other form was."""
        lowered = text.lower()
        squeezed = _compact(text)
        found: set[str] = set()
        for kind, needle, pattern, compact in self.patterns:
            if compact and kind in found:
                continue
            if pattern.search(squeezed if compact else lowered):
                found.add(kind)
                yield kind, needle


def find_leaks(sources: dict[str, Iterable[str]], identifiers: Iterable[Identifier]) -> list[Leak]:
    """Every identifier form found in each source (a table column, a file), with a count."""
    matcher = _Matcher(identifiers)
    leaks: list[Leak] = []
    for where, texts in sources.items():
        counts: dict[tuple[str, str], int] = {}
        for text in texts:
            for hit in matcher.search(text):
                counts[hit] = counts.get(hit, 0) + 1
        leaks.extend(Leak(kind, needle, where, n) for (kind, needle), n in counts.items())
    return leaks


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return str(value)


@dataclass
class Dump:
    """Every value of every column, by "database/table.column", and row counts by table."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, where: str, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.rows[where] = len(rows)
        for index, name in enumerate(names):
            values = (_as_text(row[index]) for row in rows)
            self.columns[f"{where}.{name}"] = [v for v in values if v is not None]


def dump_sqlite(path: Path, label: str, dump: Dump) -> None:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name for (name,) in db.execute("select name from sqlite_master where type = 'table'")
        ]
        for table in tables:
            cursor = db.execute(f'select * from "{table}"')
            names = [d[0] for d in cursor.description]
            dump.add(f"{label}/{table}", names, cursor.fetchall())
    finally:
        db.close()


def dump_postgres(database: str, dump: Dump) -> None:
    import psycopg2
    from psycopg2 import sql

    db = psycopg2.connect(dbname=database, user="postgres", host="127.0.0.1")
    try:
        with db.cursor() as cursor:
            cursor.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'public' and table_type = 'BASE TABLE'"
            )
            tables = [name for (name,) in cursor.fetchall()]
            for table in tables:
                cursor.execute(sql.SQL("select * from public.{}").format(sql.Identifier(table)))
                names = [d[0] for d in cursor.description]
                dump.add(f"postgresql:{database}/{table}", names, cursor.fetchall())
    finally:
        db.close()


_SQLITE_MAGIC = b"SQLite format 3\x00"
# Text in a database page (live or freed) is stored as runs of printable bytes; shorter runs
# are page structure, where a two-letter needle such as "jo" turns up by chance.
_PRINTABLE_RUN = re.compile(rb"[\x20-\x7e\t\n\r]{8,}")


def _file_text(data: bytes) -> str:
    """A file as (lenient) text; a binary file (a database, its write-ahead log) as its
    printable runs, freed pages included."""
    if data.startswith(_SQLITE_MAGIC) or b"\x00" in data:
        return "\n".join(run.decode("ascii") for run in _PRINTABLE_RUN.findall(data))
    return data.decode("utf-8", errors="replace")


def read_files(root: Path) -> dict[str, list[str]]:
    """Every file under ``root``, by path relative to it, as text (see :func:`_file_text`)."""
    return {
        str(path.relative_to(root)): [_file_text(path.read_bytes())]
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _report(what: str, leaks: list[Leak]) -> str:
    return f"identifiers leaked into {what}:\n  " + "\n  ".join(str(leak) for leak in leaks)


# --- the stacks -----------------------------------------------------------------------------


def _postgres_unavailable(reason: str) -> NoReturn:
    message = f"PostgreSQL is not reachable ({reason})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must run the canary on PostgreSQL")
    pytest.skip(message)


def _create_database() -> str:
    """A fresh, empty PostgreSQL database; skips (fails on CI) if PostgreSQL is not there."""
    try:
        import psycopg2
    except ImportError as exc:
        _postgres_unavailable(str(exc))
    name = f"reflect_canary_{secrets.token_hex(6)}"
    try:
        admin = psycopg2.connect(POSTGRES_ADMIN_DSN, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        _postgres_unavailable(str(exc).strip().splitlines()[0])
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'create database "{name}"')
    finally:
        admin.close()
    return name


def _drop_database(name: str) -> None:
    import psycopg2

    admin = psycopg2.connect(POSTGRES_ADMIN_DSN)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity"
                " where datname = %s and pid <> pg_backend_pid()",
                (name,),
            )
            cursor.execute(f'drop database if exists "{name}"')
    finally:
        admin.close()


@dataclass
class Canary:
    """A stack at DEBUG on a fresh var/, and the fresh PostgreSQL database it uses (if any)."""

    stack: Stack
    postgres_db: str | None


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def canary(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, model_path: Path
) -> Iterator[Canary]:
    """A running stack at DEBUG on SQLite, or on a PostgreSQL database made for it and dropped."""
    database = _create_database() if request.param == "postgresql" else None
    try:
        settings = Settings(
            var_dir=tmp_path_factory.mktemp(f"canary-{request.param}") / "var",
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
            log_level="DEBUG",
            database_url=POSTGRES_URL.format(name=database) if database else None,
            secret=secrets.token_hex(32).encode(),
        )
        stack = start_stack(settings, model_path)
        try:
            yield Canary(stack, database)
        finally:
            stack.stop()
    finally:
        if database:
            _drop_database(database)


@dataclass
class Stored:
    """Everything the conversation left behind, read after the processes stopped."""

    dump: Dump
    logs: dict[str, list[str]]
    files: dict[str, list[str]]
    events_table: str
    reflections_table: str
    receipt_code: str


@pytest.fixture(scope="module")
def stored(canary: Canary) -> Stored:
    """Hold the conversation, stop the processes (flushing logs), read every table and file."""
    stack = canary.stack
    var_dir = stack.settings.var_dir
    try:
        receipt_code = converse(Rest(stack.rasa_url, SENDER))
    finally:
        stack.stop()
    dump = Dump()
    if canary.postgres_db is None:
        for name in ("tracker.db", "reflect.db"):
            dump_sqlite(var_dir / name, name, dump)
        events_table, reflections_table = "tracker.db/events", "reflect.db/reflections"
    else:
        assert not (var_dir / "tracker.db").exists() and not (var_dir / "reflect.db").exists()
        dump_postgres(canary.postgres_db, dump)
        prefix = f"postgresql:{canary.postgres_db}"
        events_table, reflections_table = f"{prefix}/events", f"{prefix}/reflections"
    return Stored(
        dump=dump,
        logs=read_files(var_dir / "logs"),
        files=read_files(var_dir),
        events_table=events_table,
        reflections_table=reflections_table,
        receipt_code=receipt_code,
    )


def test_nothing_identifying_is_stored_or_logged(stored: Stored) -> None:
    # Positive controls: the conversation really was stored, the reflection really was saved
    # (anonymised), and the logs really are at DEBUG.
    rows = stored.dump.rows
    assert rows.get(stored.events_table, 0) > 10, rows
    assert rows.get(stored.reflections_table) == 1, rows
    (text,) = stored.dump.columns[f"{stored.reflections_table}.text"]
    for placeholder in ("[NAME", "[PHONE", "[ADDRESS", "[POSTCODE", "[NHS_NUMBER"):
        assert placeholder in text, f"{placeholder} missing from the stored reflection"
    assert stored.logs, "no log files"
    debug_lines = sum(
        1 for texts in stored.logs.values() for line in texts[0].splitlines() if " DEBUG " in line
    )
    assert debug_lines > 0, "the logs have no DEBUG lines"

    leaks = find_leaks(stored.dump.columns, SEARCHED)
    assert not leaks, _report("the database", leaks)
    leaks = find_leaks(stored.logs, SEARCHED)
    assert not leaks, _report("the DEBUG logs", leaks)
    # Stricter still: the raw bytes of every file in var/ (SQLite free pages and journals too).
    leaks = find_leaks(stored.files, SEARCHED)
    assert not leaks, _report("files under var/", leaks)


def test_the_receipt_code_is_shown_once_and_never_kept(stored: Stored) -> None:
    """Only the code's HMAC may be stored: kept anywhere, it links a reflection to its author.

    The tracker store files the conversation under the sender's pseudonym; a receipt code in
    it (or in a log) leads, with the server secret, straight to the reflection's receipt hash.
    """
    code = Identifier("receipt code", stored.receipt_code, compact=True)
    leaks = [
        *find_leaks(stored.dump.columns, [code]),
        *find_leaks(stored.logs, [code]),
        *find_leaks({k: v for k, v in stored.files.items() if not k.startswith("logs")}, [code]),
    ]
    assert not leaks, "the receipt code was kept:\n  " + "\n  ".join(map(str, leaks))
