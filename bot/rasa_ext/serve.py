"""Reflect's Rasa server: ``python -m bot.rasa_ext.serve run ...`` is ``rasa run ...`` made faster.

`make run` (bot/run.py) starts the Rasa server through here rather than ``python -m rasa``:

- ``skops.io`` is imported first. It loads the logistic-regression classifier, and its import
  scans ``sys.modules`` once per trusted type, so importing it after Rasa and TensorFlow have
  loaded thousands of modules costs 5-10 s of start-up; first, about 1 s.
- :func:`bot.rasa_ext.patches.check` refuses to start, with one message saying what differs and
  what to do, unless the installed Rasa is the pinned release and every private part of it we
  patch (bot/rasa_ext/patches.py lists them) is what we patched. It runs after the placeholders
  are in place (it imports Rasa's modules) and before any patch is applied.
- :func:`bot.rasa_ext.speedups.install` removes Rasa's per-message overhead (see there).
- :func:`bot.rasa_ext.lean.install_for` keeps TensorFlow out of the process when the model
  never uses it: about 440 MB less memory per process and 2.5 s less start-up (see there). It
  must run before anything imports Rasa.
- :func:`bot.rasa_ext.tracker_store.install` makes ``type: SQL`` Rasa's SQL tracker store minus
  a query and the ORM objects per message; same table and rows (see there).
- :func:`bot.rasa_ext.fail_closed.install` makes tracker store and action server failures end
  the turn with a message to the user, never a memory fallback or a 300 s wait (see there).
- :func:`bot.rasa_ext.prefork.share_model` loads the model once, before Sanic forks its
  workers, so they start together, ready, and share its memory; the tracker table is created
  and the workers' signal handling set there too (see there).

Everything else is Rasa's own command line, unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.channels import log_safety
from bot.storage.private_files import private_umask


def main(argv: list[str] | None = None) -> None:
    """Run Rasa's command line with ``argv`` (default: this process's arguments)."""
    private_umask()  # the tracker store, its -wal/-shm files and the log file: owner only
    log_safety.install()  # no exception message or query string in a log line
    args = list(sys.argv[1:] if argv is None else argv)
    from bot.rasa_ext import lean

    model = lean.model_argument(args)
    print(lean.install_for(model), file=sys.stderr, flush=True)
    import skops.io  # noqa: F401  (imported early on purpose: see the module docstring)

    from bot.rasa_ext import fail_closed, patches, speedups, tracker_store

    patches.check()  # exits (status 1, one message) if the installed Rasa is not the pinned one
    speedups.install()
    tracker_store.install()
    fail_closed.install()
    if model is not None and args[:1] == ["run"]:
        from bot.rasa_ext import prefork

        prefork.share_model(model)
        endpoints = lean.option_value(args, "--endpoints")
        if endpoints is not None:
            prefork.create_tracker_tables(Path(endpoints))
        prefork.reset_signals_in_workers()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
