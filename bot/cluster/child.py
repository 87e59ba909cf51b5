"""``python -m bot.cluster.child rasa|actions|web``: one server of the cluster, for systemd.

The unit files in docs/deploy.md start every server through here, so a server systemd starts
gets the very command line and environment `make run-cluster` gives it (bot/run.py's
``*_args`` and :func:`~bot.settings.config.child_environment`: endpoints.yml's ``${VARS}``, the
lock store, Sanic's limits), computed from the one environment file, instead of a hand-kept
copy in each unit. It replaces itself with the server (``exec``): systemd supervises the server
process itself, and its signals reach it directly.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from bot.run import actions_args, rasa_args, web_args
from bot.settings.config import Settings, child_environment


def command(
    role: str, settings: Settings, args: argparse.Namespace
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``role`` (``rasa``, ``actions`` or ``web``)."""
    if role == "rasa":
        replica = replace(
            settings,
            rasa_port=args.port or settings.rasa_port,
            action_port=args.actions_port or settings.action_port,
        )
        name = f"rasa-{replica.rasa_port}"
        return rasa_args(replica, args.model, name=name), child_environment(replica)
    if role == "actions":
        server = replace(settings, action_port=args.port or settings.action_port)
        return actions_args(), child_environment(server)
    web = replace(settings, web_port=args.port or settings.web_port)
    return web_args(), child_environment(web)


if __name__ == "__main__":
    from bot.cluster.cli import child_main

    child_main()
