"""Fixes to Rasa 3.6's per-message overhead, applied by our server entry point (serve.py).

Both are patches of Rasa's private code, registered and applied through bot/rasa_ext/patches.py
(``action_result_validator``, ``event_class_lookup``), which checks them at start-up.

Each one was found by profiling one message end to end (bench/profile_message.py) and measured
with ``make bench``; none changes what Rasa answers.

- **Action-server replies are validated with a validator built once.** Rasa calls
  ``jsonschema.validate(result, schema)`` for every action call, and that function checks the
  (large) events schema against the JSON-Schema metaschema and builds a new validator each time:
  about 20 ms per action call, 63 % of the Rasa server's time per message in the profile. The
  replacement does the same check (``best_match`` over ``iter_errors``, exactly what
  ``jsonschema.validate`` does after its schema check) and raises the same error with Rasa's
  message, so a bad reply fails as before.
- **Event classes are looked up by name once.** Loading a conversation turns every stored event
  back into an object with ``Event.resolve_by_type``, which walks the whole ``Event`` class tree
  (``all_subclasses``, ``isabstract``) for each event: about 6 % of a message. The classes never
  change once Rasa is loaded, so each name's class is remembered after its first lookup; an
  unknown name still goes through Rasa's own lookup (and its error).

Tried and left out because ``make bench`` showed no gain: reusing one kept-alive HTTP session for
the action server instead of Rasa's new session per action call.
"""

from __future__ import annotations

from typing import Any

from bot.rasa_ext import patches

_INSTALLED: list[str] = []


def install() -> list[str]:
    """Apply every fix once (idempotent); return the names of those applied."""
    if not _INSTALLED:
        cache_action_result_validator()
        _INSTALLED.append("action_result_validator")
        cache_event_classes()
        _INSTALLED.append("event_classes")
    return list(_INSTALLED)


def cache_action_result_validator() -> None:
    """Replace ``RemoteAction._validate_action_result`` with one built from a cached validator."""
    from jsonschema import validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action

    schema = action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, at start-up, instead of on every call
    validator = validator_class(schema)
    docs = f"{action.DOCS_BASE_URL}/custom-actions"

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid. For more information about the "
                f"format visit {docs}"
            )
            raise error
        return True

    patches.apply("action_result_validator", _validate_action_result)


def cache_event_classes() -> None:
    """Wrap ``Event.resolve_by_type`` so each type name's class is found once."""
    original = patches.original("event_class_lookup")
    found: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    patches.apply("event_class_lookup", staticmethod(resolve_by_type))
