"""Opt-in experiments for the benchmark: proposed Rasa-server fixes, measured before adopting.

Not product code. ``python -m bench.run --experiment NAME ...`` puts this directory first on the
children's ``PYTHONPATH`` and names the experiments in ``REFLECT_BENCH_EXPERIMENTS``; Python
imports ``sitecustomize`` at start-up, and this one acts only in the Rasa server process
(``python -m rasa run``), so the action server and web app are untouched. Each experiment is a
candidate for ``bot/rasa_ext/`` (see bench/README.md, "Performance").

- ``validator``: Rasa 3.6 checks every action-server reply with ``jsonschema.validate``, which
  re-validates the (large) events schema against the JSON-Schema metaschema on every call.
  Build the validator once instead; the same errors are raised for a bad reply.
- ``skops-first``: import ``skops.io`` before Rasa. Its import scans ``sys.modules`` once per
  trusted type (``pickle.whichmodule``), so importing it after Rasa and TensorFlow have loaded
  thousands of modules costs seconds of start-up (it is imported lazily when the
  LogisticRegressionClassifier loads).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

_ENABLED = set(filter(None, os.environ.get("REFLECT_BENCH_EXPERIMENTS", "").split(",")))


def _is_rasa_server() -> bool:
    argv = getattr(sys, "orig_argv", [])
    return "-m" in argv and "rasa" in argv and "run" in argv


class _PatchAfterImport(importlib.abc.MetaPathFinder):
    """Runs ``patch(module)`` right after ``name`` is first imported."""

    def __init__(self, name: str, patch: Callable[[ModuleType], None]) -> None:
        self.name = name
        self.patch = patch

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader: Any = spec.loader
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            self.patch(module)

        loader.exec_module = exec_module
        return spec


def cache_action_result_validator(module: ModuleType) -> None:
    """Replace ``RemoteAction._validate_action_result`` with one validator built once.

    ``module`` is ``rasa.core.actions.action``. Rasa's own method calls
    ``jsonschema.validate``, which checks the schema itself on every call.
    """
    from jsonschema import validators  # type: ignore[import-untyped]
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    remote_action = module.RemoteAction
    schema = remote_action.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    original_message = "make sure your response from the Action endpoint is valid"

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                f". Failed to validate Action server response from API, {original_message}. "
                f"For more information about the format visit {module.DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    remote_action._validate_action_result = _validate_action_result


if _ENABLED and _is_rasa_server():
    if "skops-first" in _ENABLED:
        import skops.io  # type: ignore[import-untyped]  # noqa: F401  (the import is the experiment)
    if "validator" in _ENABLED:
        sys.meta_path.insert(
            0, _PatchAfterImport("rasa.core.actions.action", cache_action_result_validator)
        )
