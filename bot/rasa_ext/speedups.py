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

- **The intent classifier's weights are stored column-major.** sklearn's ``predict_proba``
  multiplies the message's sparse features by the transposed weight matrix, which scipy first
  copies into row-major order: about 4.8 MB (14,000 features x 43 intents) per message, 1 ms,
  and 10 % of the Rasa server's CPU under load (py-spy, bench/README.md). Stored column-major,
  the transpose is already row-major and nothing is copied; the arithmetic, and so every
  probability, is bit for bit the same.
- **Rules are looked up by the conversation's previous action.** ``RulePolicy`` checks every
  rule (about 250) against the latest state on every prediction, twice a prediction and two
  to three predictions a message: 10 % of the Rasa server's CPU. Most rules need a specific
  previous action in their last state, so an index by that action leaves a handful; those are
  checked exactly as before, and the set returned holds the same keys, inserted in the same
  order (``max(keys, key=len)`` breaks ties by that order).

- **Graphs run in a recorded order, without dask's scheduler.** Rasa runs the NLU graph once
  and the policy graph once per prediction through ``dask.get``, whose bookkeeping (ordering,
  states, callbacks) was 7 % of the Rasa server's CPU. The first run of each graph (its
  targets and input names) still goes through dask, which records the order it calls the
  nodes in; later runs call the same nodes, with the same arguments, in that order. The
  minimal schema for the targets is worked out once, and the debug line listing the inputs
  is formatted only when debug logging is on.

Tried and left out because ``make bench`` showed no gain: reusing one kept-alive HTTP session for
the action server instead of Rasa's new session per action call.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
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
        contiguous_classifier_weights()
        _INSTALLED.append("classifier_weights")
        index_rules()
        _INSTALLED.append("rule_index")
        run_graphs_in_order()
        _INSTALLED.append("graph_order")
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


def contiguous_classifier_weights() -> None:
    """Wrap ``LogisticRegressionClassifier.load`` to store the weights column-major."""
    original = patches.original("classifier_load")

    def load(cls: Any, *args: Any, **kwargs: Any) -> Any:
        component = original(cls, *args, **kwargs)
        column_major(component.clf)
        return component

    patches.apply("classifier_load", classmethod(load))


def column_major(classifier: Any) -> None:
    """Store a fitted linear model's ``coef_`` column-major (same values; no-op if unfitted)."""
    import numpy as np

    coef = getattr(classifier, "coef_", None)
    if isinstance(coef, np.ndarray) and not coef.flags.f_contiguous:
        classifier.coef_ = np.asfortranarray(coef)


#: ``State`` key and sub-state key of the previous action (rasa.shared.core.constants).
PREVIOUS_ACTION = "prev_action"
ACTION_NAME = "action_name"


class RuleIndex:
    """One rule lookup's keys: in ``set(lookup)`` order, and by the previous action they need.

    ``order`` is the iteration order of ``set(lookup.keys())``, which is where Rasa starts
    filtering; building the first filtered set in this order gives the same set, iterated the
    same way, as Rasa's ``set(filter(...))``.
    """

    def __init__(self, lookup: dict[str, Any]) -> None:
        from rasa.shared.core.constants import SHOULD_NOT_BE_SET

        self.lookup = lookup  # held, so that the id it is cached under is never reused
        self.order: tuple[str, ...] = tuple(set(lookup.keys()))
        self.starters: set[str] = set()  # last state without a previous action
        self.any_action: set[str] = set()  # a previous action, but no particular name needed
        self.by_action: dict[Any, set[str]] = {}
        for key in self.order:
            states = json.loads(key)
            if not states:  # a rule without states applies to anything
                self.starters.add(key)
                self.any_action.add(key)
                continue
            previous = states[-1].get(PREVIOUS_ACTION)
            if not previous:
                self.starters.add(key)
                continue
            name = previous.get(ACTION_NAME)
            if isinstance(name, list):
                name = tuple(name)  # as Rasa's check compares it
            if name and name != SHOULD_NOT_BE_SET:
                self.by_action.setdefault(name, set()).add(key)
            else:
                self.any_action.add(key)

    def candidates(self, state: dict[str, Any]) -> set[str] | None:
        """Keys that may apply to the latest ``state``: every one that does, and few more.

        ``None`` if the state's previous action cannot be looked up (then check every key).
        """
        previous = state.get(PREVIOUS_ACTION)
        if not previous:
            return self.starters
        try:
            needed = self.by_action.get(previous.get(ACTION_NAME), set())
        except TypeError:  # an unhashable name: not something Rasa makes
            return None
        return self.any_action | needed


def index_rules() -> None:
    """Replace ``RulePolicy._get_possible_keys`` by one that starts from :class:`RuleIndex`."""
    indexes: dict[int, RuleIndex] = {}

    def index_for(lookup: dict[str, Any]) -> RuleIndex:
        index = indexes.get(id(lookup))
        if index is None or index.lookup is not lookup or len(index.order) != len(lookup):
            index = indexes[id(lookup)] = RuleIndex(lookup)
        return index

    def _get_possible_keys(self: Any, lookup: dict[str, Any], states: list[Any]) -> set[str]:
        if not states:
            return set(lookup.keys())
        index = index_for(lookup)
        latest = states[-1]
        candidates = index.candidates(latest)
        applicable: Callable[[str, int, Any], bool] = self._is_rule_applicable
        if candidates is None:
            possible = set(filter(lambda key: applicable(key, 0, latest), index.order))
        else:
            possible = {
                key for key in index.order if key in candidates and applicable(key, 0, latest)
            }
        for turn, state in enumerate(reversed(states[:-1]), start=1):
            possible = set(filter(lambda key: applicable(key, turn, state), possible))
        return possible

    patches.apply("rule_possible_keys", _get_possible_keys)


def _argument(value: Any, results: dict[Any, Any]) -> Any:
    """A task argument as ``dask.get`` passes it: a graph key's result, else the value itself."""
    try:
        return results[value] if value in results else value
    except TypeError:  # unhashable: never a key
        return value


class GraphPlan:
    """One graph shape's minimal schema and the order dask called its nodes in."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.order: list[str] | None = None


def run_graphs_in_order() -> None:
    """Replace ``DaskGraphRunner.run`` by one that replays dask's order after the first run."""
    from dask.callbacks import Callback
    from dask.local import get_sync  # what ``dask.get`` is
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner import dask as rasa_dask

    plans: dict[tuple[int, tuple[str, ...], tuple[str, ...]], tuple[Any, GraphPlan]] = {}

    def plan_for(runner: Any, targets: list[str], inputs: dict[str, Any] | None) -> GraphPlan:
        key = (id(runner), tuple(targets), tuple(inputs or ()))
        held = plans.get(key)
        if held is None or held[0] is not runner:
            held = plans[key] = (
                runner,
                GraphPlan(runner._graph_schema.minimal_graph_schema(targets)),
            )
        return held[1]

    def run(
        self: Any, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        plan = plan_for(self, run_targets, inputs)
        run_graph = self._build_dask_graph(plan.schema)
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        if rasa_dask.logger.isEnabledFor(logging.DEBUG):
            rasa_dask.logger.debug(
                f"Running graph with inputs: {inputs}, targets: {targets} "
                f"and {self._execution_context}."
            )
        try:
            if plan.order is None:
                called: list[str] = []
                record = Callback(pretask=lambda key, _dsk, _state: called.append(key))  # type: ignore[no-untyped-call]
                with record:
                    dask_result = get_sync(run_graph, run_targets)
                plan.order = called
                return dict(dask_result)
            return dict(_replay(run_graph, plan.order, run_targets))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    patches.apply("graph_run", run)


def _replay(graph: dict[str, Any], order: list[str], targets: list[str]) -> list[Any]:
    """Call ``graph``'s tasks in ``order`` as ``dask.get`` does; the targets' results."""
    results: dict[Any, Any] = {
        key: value
        for key, value in graph.items()
        if not (isinstance(value, tuple) and value and callable(value[0]))
    }
    for key in order:
        function, *arguments = graph[key]
        results[key] = function(*(_argument(argument, results) for argument in arguments))
    return [results[target] for target in targets]
