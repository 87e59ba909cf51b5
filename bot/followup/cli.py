"""`reflect followups send`: send the Teams follow-ups that are due, once (bot/followup/job.py).

Safe to run from cron on every replica and alongside the web app's own timer
(FOLLOWUP_INTERVAL_HOURS): each follow-up is claimed by one run only. Prints counts, never
content; exit 0 (a follow-up that could not be sent is tried again on the next run).
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from typing import TextIO

from bot.followup.job import SendCounts, send_followups
from bot.followup.teams import TeamsNotConfigured
from bot.settings.config import Settings

#: The top-level commands this module adds to `reflect`.
COMMANDS = ("followups",)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `followups send` to the `reflect` command line."""
    followups = commands.add_parser("followups", help="the follow-up months after a briefing")
    sub = followups.add_subparsers(dest="followups_command", required=True)
    sub.add_parser("send", help="send the Teams follow-ups that are due (each one once)")


def sentence(counts: SendCounts) -> str:
    """What the command prints and the web app's timer logs: counts only."""
    if counts.due == 0:
        return "Follow-ups: none due."
    return (
        f"Follow-ups: sent {counts.sent}, failed {counts.failed} (tried again next run), "
        f"{counts.given_up} given up and deleted, {counts.elsewhere} taken by another run."
    )


def run_send(settings: Settings) -> str:
    """One run now, as a sentence (also the web app's scheduled job)."""
    now = datetime.now(timezone.utc)
    try:
        counts = send_followups(settings, today=now.date(), now=now)
    except TeamsNotConfigured:
        return (
            "Follow-ups: Teams is not configured (MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD), so "
            "none were sent; the web chat asks its follow-ups on the next visit."
        )
    return sentence(counts)


def run(settings: Settings, out: TextIO, args: argparse.Namespace) -> int:
    """Run `reflect followups send`."""
    print(run_send(settings), file=out)
    return 0
