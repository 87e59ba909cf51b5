"""`reflect` commands for operators: migrate, purge, export, leads, follow-ups, demo data, Teams.

Run as ``bin/reflect <command>`` (or ``make migrate`` / ``make purge`` / ``make export`` /
``make teams-package``).
Each command reads Settings once and says what it did; errors are one clear line, exit 2.
``reflect leads ...`` manages the safeguarding lead's portal accounts and their API tokens.
``reflect packs validate`` and ``reflect links check`` live in bot/content/cli.py,
``reflect followups send`` in bot/followup/cli.py.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.channels import log_safety
from bot.content import cli as content_cli
from bot.content.loader import PackError, get_pack, load_packs
from bot.followup import cli as followup_cli
from bot.importer import cli as import_cli
from bot.portal import accounts as portal_accounts
from bot.portal import tokens as portal_tokens
from bot.portal.demo import purge_demo, seed_demo, vacuum_after_seeding
from bot.reflections.service import list_reflections
from bot.reports.export import export_csv, export_xlsx
from bot.retention import purge_all
from bot.settings.config import Settings, SettingsError, load_settings
from bot.storage.migrate import upgrade
from bot.storage.private_files import open_private, private_dir, private_umask
from bot.storage.session import make_engine, make_session_factory, transaction
from bot.teams.package import TeamsPackageError, build_package

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def migrate(settings: Settings, out: TextIO) -> int:
    """Create or upgrade our tables (Alembic), so nothing else ever needs create_all."""
    upgrade(settings.reflections_url)
    print("Database is at the latest schema.", file=out)
    return 0


def purge_old(settings: Settings, out: TextIO, *, today: date, now: datetime) -> int:
    """Delete everything past its retention period (bot.retention: the web app runs it daily too).

    Group sessions left without activity for GROUP_SESSION_IDLE_MINUTES are expired (their
    notes and keys deleted), and what remains of ended sessions is deleted.
    """
    print(purge_all(settings, today=today, now=now).sentence(settings), file=out)
    return 0


def demo_data(settings: Settings, out: TextIO, args: argparse.Namespace) -> int:
    """Seed (or, with --remove, delete) clearly synthetic reflections for trying the portal.

    Refused in production: demo rows would sit among real ones in a lead's figures.
    """
    if settings.is_production:
        print("reflect: demo data is refused in production (APP_ENV=production).", file=sys.stderr)
        return 2
    if args.reflections < 0 or args.reflections > 2_000_000:
        print("reflect: --reflections must be between 0 and 2,000,000.", file=sys.stderr)
        return 2
    # About one practitioner in six answers the follow-up, by default: enough for impact to show.
    followups = args.reflections // 6 if args.followups is None else args.followups
    if followups < 0 or followups > 2_000_000:
        print("reflect: --followups must be between 0 and 2,000,000.", file=sys.stderr)
        return 2
    upgrade(settings.reflections_url)
    engine = make_engine(settings.reflections_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            if args.remove:
                removed = purge_demo(session)
                print(f"Removed {removed} demo row(s).", file=out)
                return 0
            pack = get_pack(settings.content_dir, settings.default_pack_id)
            summary = seed_demo(
                session,
                pack=pack,
                reflections=args.reflections,
                seed=args.seed,
                weeks=args.weeks,
                today=date.today(),
                followups=followups,
            )
        if settings.reflections_url.startswith("postgresql"):
            vacuum_after_seeding(engine)
    finally:
        engine.dispose()
    print(
        f"Seeded {summary.reflections} synthetic reflection(s), {summary.followups} follow-up "
        f"answer(s) and {summary.minutes} set(s) of group minutes for {pack.id} {pack.version} "
        "(channel 'demo'; nobody can withdraw them; `reflect demo-data --remove` deletes them).",
        file=out,
    )
    return 0


def export(settings: Settings, out: TextIO, *, fmt: str, destination: Path | None) -> int:
    """Write every reflection as CSV or XLSX (both formula-safe), to a file or standard output.

    XLSX needs a file: a workbook is binary and would be garbage in a terminal.
    """
    if fmt not in {"csv", "xlsx"}:
        print(f"Unknown format {fmt!r}: use csv or xlsx.", file=sys.stderr)
        return 2
    if fmt == "xlsx" and destination is None:
        print("An xlsx export needs --out FILE.xlsx.", file=sys.stderr)
        return 2
    upgrade(settings.reflections_url)
    factory = make_session_factory(make_engine(settings.reflections_url))
    with transaction(factory) as session:
        rows = list_reflections(session=session)
    # Export files are 0600 (even over an older export): they hold every reflection.
    if fmt == "xlsx" and destination is not None:
        with os.fdopen(open_private(destination), "wb") as binary:
            count = export_xlsx(rows, binary)
        print(f"Wrote {count} reflection(s) to {destination}.", file=out)
        return 0
    if destination is None:
        count = export_csv(rows, out)
    else:
        with os.fdopen(open_private(destination), "w", encoding="utf-8", newline="") as handle:
            count = export_csv(rows, handle)
        print(f"Wrote {count} reflection(s) to {destination}.", file=out)
    return 0


def teams_package(
    settings: Settings, out: TextIO, *, destination: Path | None, version: str | None = None
) -> int:
    """Write the Teams app package and say where it is and what to do with it.

    Refuses (exit 2, no zip) when a setting is missing or malformed, naming each variable.
    """
    try:
        package = build_package(settings, destination=destination, version=version)
    except TeamsPackageError as exc:
        print(f"reflect: {exc}", file=sys.stderr)
        return 2
    manifest = package.manifest
    print(
        f"Wrote the Teams app package to {package.path}\n"
        f"  app {manifest['name']['short']} {manifest['version']}, app id {manifest['id']}\n"
        f"Check that the Azure Bot's messaging endpoint is {package.messaging_endpoint}\n"
        "Next, upload the zip: in the Teams admin center (Teams apps > Manage apps > Upload new "
        "app) for your organisation, or in Teams (Apps > Manage your apps > Upload an app).\n"
        "To replace an uploaded package, raise the version (pyproject.toml or --app-version).",
        file=out,
    )
    return 0


# --- reflect leads: the portal's accounts ---


def _read_password(args: argparse.Namespace) -> str:
    """The new password: one line of standard input, or typed twice at a hidden prompt."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise portal_accounts.PasswordError("No password on standard input.")
        return password
    first = getpass.getpass("New portal password: ")
    if getpass.getpass("The same password again: ") != first:
        raise portal_accounts.PasswordError("The two passwords differ.")
    return first


def _known_partnerships(settings: Settings) -> set[str]:
    """The partnerships the content packs belong to: a lead of another would see nothing."""
    return {pack.partnership_short for pack in load_packs(settings.content_dir).values()}


def _leads_add(session: Session, args: argparse.Namespace, out: TextIO, settings: Settings) -> None:
    known = _known_partnerships(settings)
    password = _read_password(args)
    account = portal_accounts.add_account(
        session,
        username=args.username,
        role="admin" if args.admin else "lead",
        partnership=args.partnership,
        agency=args.agency,
        password=password,
        now=datetime.now(timezone.utc),
        known_partnerships=known,
    )
    scope = account.partnership or "every partnership"
    if account.agency:
        scope += f", {account.agency} only"
    print(f"Added portal {account.role} {account.username} ({scope}).", file=out)


def _leads_disable(session: Session, args: argparse.Namespace, out: TextIO) -> None:
    account = portal_accounts.disable_account(
        session, username=args.username, now=datetime.now(timezone.utc)
    )
    print(
        f"Disabled {account.username}: signed out everywhere; sign-in and API tokens refused.",
        file=out,
    )


def _leads_reset(session: Session, args: argparse.Namespace, out: TextIO) -> None:
    _account_id(session, args.username)  # before asking for a password
    account = portal_accounts.reset_password(
        session,
        username=args.username,
        password=_read_password(args),
        now=datetime.now(timezone.utc),
    )
    print(f"New password set for {account.username}; unlocked and signed out everywhere.", file=out)


def _leads_list(session: Session, out: TextIO) -> None:
    now = datetime.now(timezone.utc)
    rows = [("username", "role", "partnership", "agency", "disabled", "locked")]
    for account in portal_accounts.list_accounts(session):
        locked = "-"
        if account.locked(now) and account.locked_until is not None:
            locked = f"until {account.locked_until:%Y-%m-%d %H:%M} UTC"
        rows.append(
            (
                account.username,
                account.role,
                account.partnership or "(all)",
                account.agency or "(all)",
                "yes" if account.disabled else "no",
                locked,
            )
        )
    _print_table(rows, out)
    if len(rows) == 1:
        print("No portal accounts yet: add one with `bin/reflect leads add`.", file=out)


def _print_table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip(), file=out)


def _account_id(session: Session, username: str) -> int:
    account = portal_accounts.get_account(session, username)
    if account is None:
        raise portal_accounts.PortalAccountError(f"There is no portal account called {username!r}")
    return account.id


def _leads_token_add(session: Session, args: argparse.Namespace, out: TextIO) -> None:
    token, row = portal_tokens.create_token(
        session,
        account_id=_account_id(session, args.username),
        label=args.label,
        now=datetime.now(timezone.utc),
    )
    print(
        f"API token {row.id} for {args.username} ({row.label}):\n\n  {token}\n\n"
        "Copy it now: it is shown only this once and cannot be recovered. Treat it like a "
        "password: it reads everything this account can. Send it as "
        "`Authorization: Bearer <token>`; revoke it with "
        f"`bin/reflect leads token revoke {row.id}`.",
        file=out,
    )


def _leads_token_revoke(session: Session, args: argparse.Namespace, out: TextIO) -> None:
    row = portal_tokens.revoke_token(
        session, token_id=args.token_id, account_id=None, now=datetime.now(timezone.utc)
    )
    print(f"API token {row.id} ({row.label}) is revoked.", file=out)


def _leads_token_list(session: Session, args: argparse.Namespace, out: TextIO) -> None:
    account_id = None if args.username is None else _account_id(session, args.username)
    usernames = {account.id: account.username for account in portal_accounts.list_accounts(session)}
    rows = [("id", "username", "label", "created", "last used", "revoked")]
    for token in portal_tokens.list_tokens(session, account_id):
        rows.append(
            (
                str(token.id),
                usernames.get(token.account_id, "?"),
                token.label,
                f"{token.created_at:%Y-%m-%d}",
                f"{token.last_used_on:%Y-%m-%d}" if token.last_used_on else "never",
                f"{token.revoked_at:%Y-%m-%d}" if token.revoked_at else "-",
            )
        )
    _print_table(rows, out)


def _run_leads(session: Session, settings: Settings, args: argparse.Namespace, out: TextIO) -> None:
    command = args.leads_command
    if command == "token":
        token_commands = {
            "add": _leads_token_add,
            "revoke": _leads_token_revoke,
            "list": _leads_token_list,
        }
        token_commands[args.token_command](session, args, out)
    elif command == "add":
        _leads_add(session, args, out, settings)
    elif command == "list":
        _leads_list(session, out)
    else:
        {"disable": _leads_disable, "reset": _leads_reset}[command](session, args, out)


def leads(settings: Settings, out: TextIO, args: argparse.Namespace) -> int:
    """Add, disable, reset and list portal accounts, and add or revoke their API tokens.

    Each change is one transaction with its audit row; an error leaves nothing behind.
    """
    upgrade(settings.reflections_url)
    factory = make_session_factory(make_engine(settings.reflections_url))
    try:
        with transaction(factory) as session:
            _run_leads(session, settings, args, out)
    except (portal_accounts.PortalAccountError, PackError) as exc:
        print(f"reflect: {exc}", file=sys.stderr)
        return 2
    return 0


def _add_leads_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    leads_parser = commands.add_parser(
        "leads", help="the safeguarding lead's portal: accounts and API tokens"
    )
    sub = leads_parser.add_subparsers(dest="leads_command", required=True)
    add = sub.add_parser("add", help="add a lead (or, with --admin, an admin)")
    add.add_argument("username", help="3 to 64 characters of a-z, 0-9 and . _ @ -")
    add.add_argument("--partnership", default=None, help="the partnership's short name, e.g. ESSCP")
    add.add_argument("--agency", default=None, help="narrow a lead to one agency, e.g. police")
    add.add_argument("--admin", action="store_true", help="an admin (every partnership if none)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    sub.add_parser("disable", help="disable an account for good").add_argument("username")
    reset = sub.add_parser("reset", help="set a new password; unlocks the account")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    sub.add_parser("list", help="list the accounts (never their passwords)")
    token = sub.add_parser("token", help="API tokens for the portal's JSON API")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    token_add = token_sub.add_parser("add", help="create a token (shown once)")
    token_add.add_argument("username")
    token_add.add_argument("--label", required=True, help="what the token is for")
    token_sub.add_parser("revoke", help="revoke a token by its id").add_argument(
        "token_id", type=int
    )
    token_sub.add_parser("list", help="list tokens (never the tokens themselves)").add_argument(
        "username", nargs="?", default=None
    )


_PATH_ARGUMENTS = ("out", "briefing", "files")


def _resolve_paths(args: argparse.Namespace) -> None:
    """Relative file arguments as the operator meant them: from where they typed the command.

    bin/reflect runs from the project root (that is where `.env` is read) and passes the
    directory it was called from as --from-dir, so `bin/reflect import ./briefing.pdf --out
    draft.yml` reads and writes beside the operator, not inside the project.
    """
    base = args.from_dir
    if base is None:
        return
    for name in _PATH_ARGUMENTS:
        value = getattr(args, name, None)
        if isinstance(value, Path) and not value.is_absolute():
            setattr(args, name, base / value)
        elif isinstance(value, list):
            setattr(args, name, [v if v.is_absolute() else base / v for v in value])


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Parse the command line and run one command."""
    private_umask()  # databases, exports and the Teams package: owner only
    log_safety.install()  # no exception message or query string in a log line
    parser = argparse.ArgumentParser(prog="reflect", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the reflections tables")
    commands.add_parser(
        "purge", help="delete data older than RETENTION_DAYS / TRACKER_RETENTION_DAYS"
    )
    export_parser = commands.add_parser("export", help="export reflections for a safeguarding lead")
    export_parser.add_argument("--format", default="csv", dest="fmt", help="csv (default) or xlsx")
    export_parser.add_argument("--out", type=Path, default=None, help="file (default: stdout)")
    teams_parser = commands.add_parser(
        "teams-package", help="build the Microsoft Teams app package (manifest.json + icons)"
    )
    teams_parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="zip to write (default: VAR_DIR/teams/reflect-teams-app.zip)",
    )
    teams_parser.add_argument(
        "--app-version", default=None, help="MAJOR.MINOR.PATCH (default: pyproject.toml's version)"
    )
    _add_leads_parser(commands)
    import_cli.add_parser(commands)
    content_cli.add_parser(commands)
    followup_cli.add_parser(commands)
    demo = commands.add_parser(
        "demo-data", help="seed clearly synthetic reflections to try the portal (not production)"
    )
    demo.add_argument("--reflections", type=int, default=2000, help="how many (default 2000)")
    demo.add_argument("--weeks", type=int, default=26, help="spread over this many past weeks")
    demo.add_argument(
        "--followups",
        type=int,
        default=None,
        help="follow-up answers, shown as impact (default: one per six reflections)",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (same seed, same data)")
    demo.add_argument("--remove", action="store_true", help="delete every demo row instead")
    parser.add_argument("--from-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    _resolve_paths(args)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"reflect: {exc}", file=sys.stderr)
        return 2
    if settings.var_dir.is_dir():
        private_dir(settings.var_dir)  # an earlier version left it 0755
    if args.command == "migrate":
        return migrate(settings, out)
    if args.command == "purge":
        return purge_old(settings, out, today=date.today(), now=datetime.now(timezone.utc))
    if args.command == "teams-package":
        return teams_package(settings, out, destination=args.out, version=args.app_version)
    if args.command == "leads":
        return leads(settings, out, args)
    if args.command == "demo-data":
        return demo_data(settings, out, args)
    if args.command == "import":
        return import_cli.run(settings, out, args)
    if args.command in content_cli.COMMANDS:
        return content_cli.run(settings, out, args)
    if args.command in followup_cli.COMMANDS:
        return followup_cli.run(settings, out, args)
    return export(settings, out, fmt=args.fmt, destination=args.out)


if __name__ == "__main__":
    raise SystemExit(main())
