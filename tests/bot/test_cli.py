from __future__ import annotations

import argparse
import csv
import getpass
import io
import json
import os
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import cli
from bot.channels.memory import ConversationMemory
from bot.content.schema import Pack
from bot.group import service as group_service
from bot.group.plan import make_plan
from bot.portal.accounts import SignInOutcome, authenticate
from bot.portal.tokens import authenticate_token
from bot.reflections.service import record_reflection
from bot.settings.config import Settings
from bot.storage.migrate import upgrade
from bot.storage.models import GroupNote, PortalAudit
from bot.storage.session import make_engine, make_session_factory, transaction
from tests.bot.portal.accounts_helpers import use_fast_hashing
from tests.conftest import current_umask

SECRET = b"a-test-secret-that-is-long-enough-to-use"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", secret=SECRET, retention_days=30)


def add(settings: Settings, text: str, day: date) -> None:
    upgrade(settings.reflections_url)
    factory = make_session_factory(make_engine(settings.reflections_url))
    with transaction(factory) as session:
        record_reflection(
            session=session,
            text=text,
            pack_id="esscp-child-z",
            pack_version="1.0.0",
            point_id="legacy-of-domestic-abuse",
            agency=None,
            channel_kind="rest",
            secret=SECRET,
            today=day,
        )


def test_migrate_creates_the_tables(settings: Settings) -> None:
    out = io.StringIO()
    assert cli.migrate(settings, out) == 0
    assert (settings.var_dir / "reflect.db").exists()
    assert "latest schema" in out.getvalue()


def test_export_writes_formula_safe_csv(settings: Settings, tmp_path: Path) -> None:
    add(settings, "=HYPERLINK(1) we should ask about new partners", date.today())
    target = tmp_path / "out.csv"
    assert cli.export(settings, io.StringIO(), fmt="csv", destination=target) == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 1
    assert rows[0]["text"].startswith("'=")
    assert "receipt_hash" not in rows[0]


def test_export_refuses_an_unknown_format(settings: Settings) -> None:
    assert cli.export(settings, io.StringIO(), fmt="pdf", destination=None) == 2


def test_export_xlsx_needs_a_file(settings: Settings) -> None:
    assert cli.export(settings, io.StringIO(), fmt="xlsx", destination=None) == 2


def test_export_writes_formula_safe_xlsx(settings: Settings, tmp_path: Path) -> None:
    add(settings, "=HYPERLINK(1) we should ask about new partners", date.today())
    target = tmp_path / "out.xlsx"
    out = io.StringIO()
    assert cli.export(settings, out, fmt="xlsx", destination=target) == 0
    assert "Wrote 1 reflection(s)" in out.getvalue()
    with zipfile.ZipFile(target) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "'=HYPERLINK(1) we should ask about new partners" in sheet
    assert "<f>" not in sheet and "receipt_hash" not in sheet


@pytest.mark.usefixtures("keep_umask")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_file_is_readable_by_its_owner_only(
    settings: Settings, tmp_path: Path, fmt: str
) -> None:
    add(settings, "we should ask about new partners at every visit", date.today())
    os.umask(0o022)  # the usual default: files 0644
    fresh = tmp_path / f"fresh.{fmt}"
    older = tmp_path / f"older.{fmt}"
    older.write_bytes(b"an earlier export")
    older.chmod(0o644)

    for target in (fresh, older):
        assert cli.export(settings, io.StringIO(), fmt=fmt, destination=target) == 0

    assert {path.name: oct(_mode(path)) for path in (fresh, older)} == {
        fresh.name: "0o600",
        older.name: "0o600",
    }
    assert older.read_bytes() != b"an earlier export"  # overwritten, not appended to


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("keep_umask")
def test_main_makes_everything_it_creates_private(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.umask(0o022)
    settings.var_dir.mkdir(parents=True)
    settings.var_dir.chmod(0o755)  # as an earlier version left it
    monkeypatch.setattr(cli, "load_settings", lambda: settings)

    assert cli.main(["migrate"], out=io.StringIO()) == 0

    assert oct(current_umask()) == oct(0o077)
    assert oct(_mode(settings.var_dir)) == oct(0o700)
    assert oct(_mode(settings.var_dir / "reflect.db")) == oct(0o600)


def test_purge_deletes_only_old_reflections(settings: Settings) -> None:
    today = date(2026, 11, 27)
    add(settings, "an old reflection about information sharing", today - timedelta(days=90))
    add(settings, "a recent reflection about information sharing", today)
    out = io.StringIO()
    now = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
    assert cli.purge_old(settings, out, today=today, now=now) == 0
    assert "Deleted 1 reflection(s)" in out.getvalue()
    exported = io.StringIO()
    cli.export(replace(settings), exported, fmt="csv", destination=None)
    assert "a recent reflection" in exported.getvalue()
    assert "an old reflection" not in exported.getvalue()


def test_purge_deletes_expired_conversation_memory(settings: Settings) -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
    factory = make_session_factory(make_engine(settings.reflections_url))
    upgrade(settings.reflections_url)
    old = ConversationMemory(factory, timedelta(days=7), lambda: datetime(2026, 11, 1))
    recent = ConversationMemory(factory, timedelta(days=7), lambda: datetime(2026, 11, 26))
    old.remember("a" * 64, {"b" * 64: "NAME"})
    recent.remember("c" * 64, {"d" * 64: "NAME"})
    out = io.StringIO()

    assert cli.purge_old(settings, out, today=now.date(), now=now) == 0

    assert "1 expired conversation memory row(s)" in out.getvalue()
    assert recent.recall("c" * 64) and not old.recall("a" * 64)


def test_purge_expires_abandoned_group_sessions_and_old_minutes(
    settings: Settings, pack: Pack
) -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
    upgrade(settings.reflections_url)
    factory = make_session_factory(make_engine(settings.reflections_url))
    facts = group_service.SessionFacts(
        pack=pack,
        plan=make_plan(30, 4),
        team_code=None,
        started_at=datetime(2026, 11, 27, 11),
        points_shown=0,
        points_skipped=0,
        joined=0,
    )
    with transaction(factory) as session:
        for day in (now - timedelta(days=settings.retention_days + 10), now):
            group_service.store_minutes(
                session=session,
                minutes=group_service.build_minutes(facts, now=day),
                group_ref=None,
                secret=settings.secret,
                today=day.date(),
            )
        abandoned = group_service.create_session(
            session=session, pack=pack, lead_key="k" * 64, now=now - timedelta(days=1)
        )
        live = group_service.create_session(session=session, pack=pack, lead_key="k" * 64, now=now)
        group_service.add_note(session=session, row=abandoned, point_number=1, text="a note")
    out = io.StringIO()

    assert cli.purge_old(settings, out, today=now.date(), now=now) == 0

    days = settings.retention_days
    assert f"1 group minutes older than {days} days; 1 abandoned group session(s) expired" in (
        out.getvalue()
    )
    with transaction(factory) as session:
        assert group_service.find_session(session=session, public_id=abandoned.public_id) is None
        assert group_service.find_session(session=session, public_id=live.public_id) is not None
        assert session.execute(select(func.count()).select_from(GroupNote)).scalar_one() == 0


def test_main_reports_bad_settings_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    # REFLECT_SECRET is read before RETENTION_DAYS: without it, a key is made in VAR_DIR.
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RETENTION_DAYS", "forever")
    assert cli.main(["purge"]) == 2
    assert "RETENTION_DAYS" in capsys.readouterr().err


TEAMS_APP_ID = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d"
TEAMS_ENV = {
    "MICROSOFT_APP_ID": TEAMS_APP_ID,
    "PUBLIC_URL": "https://reflect.example.org",
    "TEAMS_DEVELOPER_NAME": "Example Safeguarding",
    "TEAMS_WEBSITE_URL": "https://www.example.org",
    "TEAMS_PRIVACY_URL": "https://www.example.org/privacy",
    "TEAMS_TERMS_URL": "https://www.example.org/terms",
}


def teams_ready(settings: Settings) -> Settings:
    return replace(
        settings,
        teams_app_id=TEAMS_APP_ID,
        public_url="https://reflect.example.org",
        teams_website_url="https://www.example.org",
        teams_privacy_url="https://www.example.org/privacy",
        teams_terms_url="https://www.example.org/terms",
    )


def test_teams_package_writes_the_zip_and_says_what_to_do_next(settings: Settings) -> None:
    out = io.StringIO()
    assert cli.teams_package(teams_ready(settings), out, destination=None) == 0
    target = settings.var_dir / "teams" / "reflect-teams-app.zip"
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    said = out.getvalue()
    assert str(target) in said
    assert "https://reflect.example.org/webhooks/teams/webhook" in said
    assert "Upload an app" in said


def test_teams_package_refuses_a_missing_app_id_in_plain_words(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = replace(teams_ready(settings), teams_app_id=None)
    assert cli.teams_package(settings, io.StringIO(), destination=None) == 2
    err = capsys.readouterr().err
    assert err.startswith("reflect: cannot build the Teams app package")
    assert "MICROSOFT_APP_ID is not set" in err
    assert "Traceback" not in err
    assert not (settings.var_dir / "teams").exists()


def isolate_teams_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run main() as an operator would, but with no .env and only the variables set here."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    for name in TEAMS_ENV:
        monkeypatch.delenv(name, raising=False)


def test_main_teams_package_end_to_end(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    isolate_teams_env(monkeypatch, tmp_path)
    for name, value in TEAMS_ENV.items():
        monkeypatch.setenv(name, value)
    target = tmp_path / "out" / "teams.zip"
    out = io.StringIO()
    argv = ["teams-package", "--out", str(target), "--app-version", "1.2.3"]
    assert cli.main(argv, out=out) == 0
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["id"] == TEAMS_APP_ID
    assert manifest["version"] == "1.2.3"
    assert manifest["developer"]["name"] == "Example Safeguarding"
    assert str(target) in out.getvalue()
    assert capsys.readouterr().err == ""


def test_main_teams_package_names_the_missing_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    isolate_teams_env(monkeypatch, tmp_path)
    for name, value in TEAMS_ENV.items():
        if name != "MICROSOFT_APP_ID":
            monkeypatch.setenv(name, value)
    assert cli.main(["teams-package"]) == 2
    assert "MICROSOFT_APP_ID is not set" in capsys.readouterr().err
    assert not (tmp_path / "var" / "teams").exists()


def test_main_teams_package_refuses_a_non_https_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    isolate_teams_env(monkeypatch, tmp_path)
    for name, value in TEAMS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TEAMS_PRIVACY_URL", "http://www.example.org/privacy")
    assert cli.main(["teams-package"]) == 2
    assert "TEAMS_PRIVACY_URL must be an absolute https:// URL" in capsys.readouterr().err


# --- reflect leads: the portal's accounts ---

LEAD_PASSWORD = "correct horse battery staple"


@dataclass
class LeadsRun:
    code: int
    out: str
    err: str


@pytest.fixture
def leads(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    keep_umask: int,
) -> Callable[..., LeadsRun]:
    """``reflect leads ...`` through main(), with a password on standard input."""
    use_fast_hashing(monkeypatch)
    monkeypatch.setattr(cli, "load_settings", lambda: settings)

    def run(*argv: str, stdin: str = LEAD_PASSWORD + "\n") -> LeadsRun:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        out = io.StringIO()
        capsys.readouterr()
        code = cli.main(["leads", *argv], out=out)
        return LeadsRun(code, out.getvalue(), capsys.readouterr().err)

    return run


def _sign_in(settings: Settings, username: str, password: str) -> SignInOutcome:
    factory = make_session_factory(make_engine(settings.reflections_url))
    with transaction(factory) as session:
        return authenticate(
            session,
            username=username,
            password=password,
            now=datetime.now(timezone.utc),
            lockout_failures=2,
            lockout_minutes=15,
            secret=settings.secret,
        ).outcome


def _audit_events(settings: Settings) -> list[str]:
    factory = make_session_factory(make_engine(settings.reflections_url))
    with transaction(factory) as session:
        return list(session.execute(select(PortalAudit.event).order_by(PortalAudit.id)).scalars())


def _one_line_error(run: LeadsRun, fragment: str) -> None:
    assert run.code == 2, run
    assert run.err.startswith("reflect: ") and run.err.strip().count("\n") == 0, run.err
    assert fragment in run.err


def test_leads_add_and_list(leads: Callable[..., LeadsRun], settings: Settings) -> None:
    added = leads(
        "add", "Alice", "--partnership", "esscp", "--agency", "police", "--password-stdin"
    )
    admin = leads("add", "root", "--admin", "--password-stdin", stdin="an admin's long password\n")
    listed = leads("list")

    assert added.code == 0 and "Added portal lead alice (ESSCP, police only)." in added.out
    assert admin.code == 0 and "Added portal admin root (every partnership)." in admin.out
    assert listed.code == 0
    lines = [line.split() for line in listed.out.splitlines()]
    assert lines == [
        ["username", "role", "partnership", "agency", "disabled", "locked"],
        ["alice", "lead", "ESSCP", "police", "no", "-"],
        ["root", "admin", "(all)", "(all)", "no", "-"],
    ]
    assert "argon2" not in listed.out
    assert _sign_in(settings, "alice", LEAD_PASSWORD) is SignInOutcome.OK
    assert _audit_events(settings)[:2] == ["account_added", "account_added"]


def test_leads_add_asks_for_the_password_twice(
    leads: Callable[..., LeadsRun], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter([LEAD_PASSWORD, LEAD_PASSWORD, LEAD_PASSWORD, "something else entirely"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))

    assert leads("add", "alice", "--partnership", "ESSCP").code == 0
    _one_line_error(leads("add", "bob", "--partnership", "ESSCP"), "The two passwords differ.")
    assert _sign_in(settings, "alice", LEAD_PASSWORD) is SignInOutcome.OK


@pytest.mark.parametrize(
    ("argv", "stdin", "fragment"),
    [
        (("add", "alice", "--partnership", "ESSCP"), "short\n", "at least 12 characters"),
        (("add", "alice", "--partnership", "ESSCP"), "\n", "No password on standard input."),
        (("add", "alice", "--partnership", "ESSCP"), "password1234\n", "most common"),
        (("add", "alice"), LEAD_PASSWORD, "A lead needs a partnership"),
        (("add", "alice", "--partnership", "WSCP"), LEAD_PASSWORD, "known: ESSCP"),
        (("add", "alice", "--partnership", "ESSCP", "--agency", "fire"), LEAD_PASSWORD, "fire"),
        (("add", "a b", "--partnership", "ESSCP"), LEAD_PASSWORD, "A username is 3 to 64"),
        (("disable", "ghost"), "", "There is no portal account called 'ghost'"),
        (("reset", "ghost"), LEAD_PASSWORD, "There is no portal account called 'ghost'"),
        (("token", "add", "ghost", "--label", "x"), "", "no portal account called 'ghost'"),
        (("token", "revoke", "99"), "", "There is no API token 99 to revoke"),
    ],
)
def test_leads_errors_are_one_line_and_change_nothing(
    leads: Callable[..., LeadsRun],
    settings: Settings,
    argv: tuple[str, ...],
    stdin: str,
    fragment: str,
) -> None:
    flags = ("--password-stdin",) if argv[0] in {"add", "reset"} else ()
    run = leads(*argv, *flags, stdin=stdin)

    _one_line_error(run, fragment)
    assert not stdin.strip() or stdin.strip() not in run.err  # a password is never echoed
    assert "alice" not in leads("list").out
    assert _audit_events(settings) == []


def test_leads_add_refuses_a_taken_username(leads: Callable[..., LeadsRun]) -> None:
    assert leads("add", "alice", "--partnership", "ESSCP", "--password-stdin").code == 0

    run = leads("add", "ALICE", "--partnership", "ESSCP", "--password-stdin")

    _one_line_error(run, "There is already a portal account called 'alice'")


def test_leads_disable_and_reset(leads: Callable[..., LeadsRun], settings: Settings) -> None:
    leads("add", "alice", "--partnership", "ESSCP", "--password-stdin")
    leads("add", "bob", "--partnership", "ESSCP", "--password-stdin")
    for _ in range(2):  # two failures lock bob (lockout_failures=2 in _sign_in)
        _sign_in(settings, "bob", "not the password at all")
    assert _sign_in(settings, "bob", LEAD_PASSWORD) is SignInOutcome.LOCKED
    assert "until" in leads("list").out

    disabled = leads("disable", "alice")
    reset = leads("reset", "bob", "--password-stdin", stdin="a brand new passphrase\n")

    assert disabled.code == 0 and "Disabled alice" in disabled.out
    assert reset.code == 0 and "unlocked" in reset.out
    assert _sign_in(settings, "alice", LEAD_PASSWORD) is SignInOutcome.DISABLED
    assert _sign_in(settings, "bob", "a brand new passphrase") is SignInOutcome.OK
    assert [line.split()[4:] for line in leads("list").out.splitlines()[1:]] == [
        ["yes", "-"],
        ["no", "-"],
    ]
    events = _audit_events(settings)
    assert "account_disabled" in events and "password_reset" in events


def test_leads_tokens_are_shown_once_listed_and_revoked(
    leads: Callable[..., LeadsRun], settings: Settings
) -> None:
    leads("add", "alice", "--partnership", "ESSCP", "--password-stdin")

    added = leads("token", "add", "alice", "--label", "Power BI")
    token = next(word for word in added.out.split() if word.startswith("rfl_"))
    listed = leads("token", "list")
    factory = make_session_factory(make_engine(settings.reflections_url))
    with transaction(factory) as session:
        works = authenticate_token(session, token, datetime.now(timezone.utc))
    revoked = leads("token", "revoke", "1")
    with transaction(factory) as session:
        refused = authenticate_token(session, token, datetime.now(timezone.utc))

    assert added.code == 0 and "shown only this once" in added.out
    assert token not in listed.out
    assert listed.out.split("\n")[1].split()[:3] == ["1", "alice", "Power"]
    assert works is not None and works.username == "alice"
    assert revoked.code == 0 and "API token 1 (Power BI) is revoked." in revoked.out
    assert refused is None
    assert _audit_events(settings)[-2:] == ["token_created", "token_revoked"]


def test_relative_file_arguments_are_read_from_where_the_command_was_typed(
    tmp_path: Path,
) -> None:
    # bin/reflect runs from the project root and passes the caller's directory as --from-dir.
    from bot.cli import _resolve_paths

    args = argparse.Namespace(
        from_dir=tmp_path,
        briefing=Path("briefing.pdf"),
        out=Path("/abs/draft.yml"),
        files=[Path("a.yml"), Path("/abs/b.yml")],
    )
    _resolve_paths(args)
    assert args.briefing == tmp_path / "briefing.pdf"
    assert args.out == Path("/abs/draft.yml")
    assert args.files == [tmp_path / "a.yml", Path("/abs/b.yml")]
