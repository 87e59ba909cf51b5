"""`reflect` commands for operators: migrate, purge, export, and build the Teams app package.

Run as ``bin/reflect <command>`` (or ``make migrate`` / ``make purge`` / ``make export`` /
``make teams-package``).
Each command reads Settings once and says what it did; errors are one clear line, exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TextIO

from bot.channels import log_safety
from bot.channels import memory as conversation_memory
from bot.group import service as group_service
from bot.reflections.service import (
    list_reflections,
    purge,
    purge_tracker_events,
    purge_withdrawal_attempts,
)
from bot.reports.export import export_csv, export_xlsx
from bot.settings.config import Settings, SettingsError, load_settings
from bot.storage.migrate import upgrade
from bot.storage.private_files import open_private, private_dir, private_umask
from bot.storage.session import make_engine, make_session_factory, transaction
from bot.teams.package import TeamsPackageError, build_package


def migrate(settings: Settings, out: TextIO) -> int:
    """Create or upgrade our tables (Alembic), so nothing else ever needs create_all."""
    upgrade(settings.reflections_url)
    print("Database is at the latest schema.", file=out)
    return 0


def purge_old(settings: Settings, out: TextIO, *, today: date, now: datetime) -> int:
    """Delete reflections, minutes and tracker events past their retention periods.

    Group sessions left without activity for GROUP_SESSION_IDLE_MINUTES are expired (their
    notes and keys deleted), and what remains of ended sessions is deleted.
    """
    upgrade(settings.reflections_url)
    factory = make_session_factory(make_engine(settings.reflections_url))
    with transaction(factory) as session:
        reflections = purge(session=session, now=today, retention_days=settings.retention_days)
        minutes = group_service.purge_minutes(
            session=session, now=today, retention_days=settings.retention_days
        )
        expired = group_service.expire_idle(
            session=session, now=now, idle_minutes=settings.group_session_idle_minutes
        )
        ended = group_service.purge_ended_sessions(session=session)
        purge_withdrawal_attempts(session=session, today=today)
        remembered = conversation_memory.purge(
            session=session, now=now.astimezone(timezone.utc).replace(tzinfo=None)
        )
    events = purge_tracker_events(
        tracker_database_url=settings.tracker_url,
        now=now,
        retention_days=settings.tracker_retention_days,
    )
    print(
        f"Deleted {reflections} reflection(s) older than {settings.retention_days} days and "
        f"{events} conversation event(s) older than {settings.tracker_retention_days} days; "
        f"{remembered} expired conversation memory row(s); {minutes} group minutes older than "
        f"{settings.retention_days} days; {expired} abandoned group session(s) expired and "
        f"{ended} ended session(s) removed.",
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
    args = parser.parse_args(argv)
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
    return export(settings, out, fmt=args.fmt, destination=args.out)


if __name__ == "__main__":
    raise SystemExit(main())
