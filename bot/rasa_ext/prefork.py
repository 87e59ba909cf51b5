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
"""

from __future__ import annotations

import functools
import gc
from pathlib import Path
from typing import Any

_LOADED: dict[Path, tuple[Any, ...]] = {}


def share_model(model: Path) -> None:
    """Load ``model``'s predict graph now and serve it to every later load of the same file."""
    from rasa.core.processor import MessageProcessor

    current = MessageProcessor._load_model
    original = getattr(current, "__wrapped__", current)
    key = model.resolve()
    if key not in _LOADED:
        _LOADED[key] = original(model)
    if current is original:

        @functools.wraps(original)
        def shared_load(model_path: str | Path) -> tuple[Any, ...]:
            return _LOADED.get(Path(model_path).resolve()) or original(model_path)

        MessageProcessor._load_model = staticmethod(shared_load)
    gc.collect()
    gc.freeze()
