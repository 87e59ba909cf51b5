"""``python -m bot.cluster --model ...``: `make run-cluster` (see bot/cluster/cli.py)."""

from __future__ import annotations

from bot.cluster.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
