"""Load the model once, in the Rasa server's main process, before Sanic forks its workers.

Rasa loads the model in a ``before_server_start`` listener, which runs in every Sanic worker
after the fork: each worker spends the same seconds unpacking and building the same graph and
keeps its own copy. Worse, the workers become ready at different moments, and connections that
arrive meanwhile all go to the first one ready (measured: one worker handled a whole 50-user
load while the other was still loading, half the throughput; bench/README.md).

:func:`share_model` loads the predict graph first, here, and makes
``MessageProcessor._load_model`` hand that same graph to whoever asks for the same model file
(the forked workers, or the one process when there is a single worker). Sanic forks
(``multiprocessing.get_context("fork")``), so the workers start with the graph already in memory
and share its pages with the main process. :func:`gc.freeze` then moves everything loaded so far
out of the collector's reach, so the collector's passes in the workers do not write to (and so
copy) those shared pages. Any other model path loads the normal way.

Starting the workers together exposed two more things, both fixed here, before the fork:

- :func:`create_tracker_tables`: each worker's ``SQLTrackerStore`` creates its table on start.
  On a fresh database two workers starting at the same moment race; the loser gets an
  ``IntegrityError``, which Rasa logs (with the SQL) before sleeping 5 s and trying again.
- :func:`reset_signals_in_workers`: Sanic installs the main process's SIGTERM handler *before* it
  forks, and a worker replaces it only once it has started. A worker told to stop while still
  starting (the 5 s above, or a slow database) ran the main process's handler instead, lived on,
  and was orphaned when the main process was killed (seen after the e2e tests).
"""

from __future__ import annotations

import functools
import gc
import os
import signal
from pathlib import Path
from typing import Any

from bot.rasa_ext import patches

#: The patch of bot/rasa_ext/patches.py applied here.
MODEL_LOAD = "prefork_model_load"

_LOADED: dict[Path, tuple[Any, ...]] = {}


def share_model(model: Path) -> None:
    """Load ``model``'s predict graph now and serve it to every later load of the same file.

    ``MessageProcessor._load_model`` is wrapped once, through bot/rasa_ext/patches.py (patch
    ``prefork_model_load``), which keeps Rasa's own loader for any other file.
    """
    original = patches.original(MODEL_LOAD)
    key = model.resolve()
    if key not in _LOADED:
        _LOADED[key] = original(model)
    if not patches.applied(MODEL_LOAD):

        @functools.wraps(original)
        def shared_load(model_path: str | Path) -> tuple[Any, ...]:
            return _LOADED.get(Path(model_path).resolve()) or original(model_path)

        patches.apply(MODEL_LOAD, staticmethod(shared_load))
    gc.collect()
    gc.freeze()


def create_tracker_tables(endpoints: Path) -> None:
    """Create the SQL tracker store's table once, here, so the workers' ``create_all`` finds it.

    Does nothing unless ``endpoints`` configures ``type: SQL``. The connection is closed again
    before the fork: the workers open their own.
    """
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.core.utils import read_endpoints_from_path

    config = read_endpoints_from_path(endpoints).tracker_store
    if config is None or str(config.type).lower() != "sql":
        return
    store = SQLTrackerStore(host=config.url, **config.kwargs)
    store.engine.dispose()


def _worker_signals() -> None:
    """In a freshly forked worker: SIGTERM stops it, SIGINT is ignored (Sanic's own choices)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def reset_signals_in_workers() -> None:
    """Give every process forked from here the signal handling a Sanic worker should have.

    Sanic installs its graceful SIGTERM handler in each worker once the worker is up; until
    then the default action (stop) applies, rather than the main process's handler.
    """
    os.register_at_fork(after_in_child=_worker_signals)
