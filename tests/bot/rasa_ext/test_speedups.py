"""The cached action-reply validator accepts and refuses exactly what Rasa's own does."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from jsonschema import ValidationError
from rasa.core.actions import action
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.core.constants import SHOULD_NOT_BE_SET
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.utils.common import all_subclasses
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from bot.rasa_ext import speedups

GOOD: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "point_number", "value": 2}], "responses": []},
    {"responses": [{"text": "Point 2 of 4", "buttons": [{"title": "Next", "payload": "/n"}]}]},
    {},
]
BAD: list[Any] = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": "not a list"},
    {"events": [{"event": "slot"}]},
]


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch) -> action.RemoteAction:
    """Rasa's RemoteAction with the cached validator (the original restored afterwards)."""
    monkeypatch.setattr(
        action.RemoteAction,
        "_validate_action_result",
        action.RemoteAction._validate_action_result,
    )
    speedups.cache_action_result_validator()
    return action.RemoteAction("action_x", None)


def original(result: Any) -> bool | ValidationError:
    try:
        return bool(
            action.RemoteAction.__dict__["_validate_action_result"](
                action.RemoteAction("action_x", None), result
            )
        )
    except ValidationError as error:
        return error


@pytest.mark.parametrize("result", GOOD)
def test_a_valid_reply_passes(cached: action.RemoteAction, result: dict[str, Any]) -> None:
    assert cached._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_an_invalid_reply_fails_with_the_same_error_as_rasa(result: Any) -> None:
    expected = original(result)
    assert isinstance(expected, ValidationError)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            action.RemoteAction,
            "_validate_action_result",
            action.RemoteAction._validate_action_result,
        )
        speedups.cache_action_result_validator()
        with pytest.raises(ValidationError) as raised:
            action.RemoteAction("action_x", None)._validate_action_result(result)

    assert raised.value.message == expected.message
    assert "Failed to validate Action server response from API" in raised.value.message
    assert list(raised.value.path) == list(expected.path)


def test_the_cached_validator_is_not_rasas(cached: action.RemoteAction) -> None:
    assert action.RemoteAction._validate_action_result.__module__ == "bot.rasa_ext.speedups"


def test_install_is_idempotent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        action.RemoteAction,
        "_validate_action_result",
        action.RemoteAction._validate_action_result,
    )
    monkeypatch.setattr(speedups, "_INSTALLED", [])

    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(
        LogisticRegressionClassifier, "load", LogisticRegressionClassifier.__dict__["load"]
    )
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", RulePolicy._get_possible_keys)
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)
    every = [
        "action_result_validator",
        "event_classes",
        "classifier_weights",
        "rule_index",
        "graph_order",
    ]

    assert speedups.install() == every
    first = action.RemoteAction._validate_action_result
    assert speedups.install() == every
    assert action.RemoteAction._validate_action_result is first


@pytest.fixture
def cached_events(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    speedups.cache_event_classes()


@pytest.mark.parametrize(
    "name", ["user", "bot", "action", "slot", "session_started", "active_loop", "restart"]
)
def test_event_classes_are_the_same_as_rasas(cached_events: None, name: str) -> None:
    expected = next(c for c in all_subclasses(Event) if c.type_name == name)

    assert Event.resolve_by_type(name) is expected
    assert Event.resolve_by_type(name) is expected  # the remembered answer


def test_unknown_event_names_still_fail_or_default(cached_events: None) -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=UserUttered) is UserUttered
    assert Event.resolve_by_type("topic") is None


def test_a_stored_conversation_deserialises_the_same(cached_events: None) -> None:
    stored = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "hello", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "slot", "name": "point_number", "value": 2},
        {"event": "bot", "text": "Point 2 of 4"},
    ]
    events = [Event.from_parameters(dict(e)) for e in stored]

    assert [type(e).__name__ for e in events] == [
        "ActionExecuted",
        "UserUttered",
        "SlotSet",
        "BotUttered",
    ]


# --- the classifier's weights, column-major ---------------------------------------------------


def _fitted() -> LogisticRegression:
    generator = np.random.default_rng(7)
    features = sparse.random(120, 400, density=0.05, format="csr", random_state=7)
    labels = generator.integers(0, 6, size=120)
    return LogisticRegression(max_iter=200).fit(features, labels)


def test_column_major_weights_give_the_same_probabilities_bit_for_bit() -> None:
    classifier = _fitted()
    message = sparse.random(5, 400, density=0.05, format="csr", random_state=11)
    before = classifier.predict_proba(message)
    assert not classifier.coef_.flags.f_contiguous

    speedups.column_major(classifier)

    assert classifier.coef_.flags.f_contiguous
    assert classifier.coef_.T.flags.c_contiguous  # what scipy's product needs, uncopied
    assert np.array_equal(classifier.predict_proba(message), before)


def test_an_unfitted_classifier_is_left_alone() -> None:
    classifier = LogisticRegression()
    speedups.column_major(classifier)
    assert not hasattr(classifier, "coef_")


def test_the_loaded_classifier_gets_column_major_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    classifier = _fitted()
    loaded: list[tuple[Any, ...]] = []

    def load(cls: Any, *args: Any, **kwargs: Any) -> Any:
        loaded.append((cls, *args))
        component = cls.__new__(cls)
        component.clf = classifier
        return component

    monkeypatch.setattr(LogisticRegressionClassifier, "load", classmethod(load))
    speedups.contiguous_classifier_weights()

    component = LogisticRegressionClassifier.load({}, "storage", "resource", "context")

    assert loaded == [(LogisticRegressionClassifier, {}, "storage", "resource", "context")]
    assert component.clf is classifier
    assert classifier.coef_.flags.f_contiguous


# --- the rule index ------------------------------------------------------------------------

ACTIONS = ["action_listen", "utter_greet", "action_show_point", "reflection_form", None]
INTENTS = ["greet", "next", "save", "bye"]


def _random_state(rng: random.Random, *, rule: bool) -> dict[str, Any]:
    state: dict[str, Any] = {}
    kind = rng.random()
    if kind < 0.15:
        pass  # a conversation start: no previous action
    elif kind < 0.25:
        state["prev_action"] = {"action_text": rng.choice(["hi", "ok"])}
    elif rule and kind < 0.3:
        state["prev_action"] = {"action_name": SHOULD_NOT_BE_SET}
    else:
        name = rng.choice(ACTIONS)
        state["prev_action"] = {"action_name": name} if name else {}
    if rng.random() < 0.6:
        state["user"] = {"intent": rng.choice(INTENTS)}
    if rng.random() < 0.4:
        value = rng.choice([(1.0,), [1.0], SHOULD_NOT_BE_SET]) if rule else (1.0,)
        state["slots"] = {"point_number": value}
    if rng.random() < 0.3:
        state["active_loop"] = {"name": rng.choice(["reflection_form", SHOULD_NOT_BE_SET])}
    return state


def _lookup(rng: random.Random, size: int) -> dict[str, str]:
    import json

    lookup: dict[str, str] = {}
    while len(lookup) < size:
        states = [_random_state(rng, rule=True) for _ in range(rng.randint(0, 4))]
        lookup[json.dumps(states)] = rng.choice(ACTIONS[:-1])
    return lookup


def test_the_rule_index_finds_the_same_keys_in_the_same_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", RulePolicy._get_possible_keys)
    rasas = RulePolicy._get_possible_keys
    speedups.index_rules()
    policy = RulePolicy.__new__(RulePolicy)  # the lookup needs only its methods
    rng = random.Random(15)
    found = 0
    for _ in range(20):
        lookup = _lookup(rng, 250)
        for _ in range(100):
            states = [_random_state(rng, rule=False) for _ in range(rng.randint(0, 5))]
            expected = rasas(policy, lookup, states)
            keys = policy._get_possible_keys(lookup, states)
            assert list(keys) == list(expected)  # the same set, iterated the same way
            found += len(keys)
    assert found > 100  # the cases do match rules, not only miss them


def test_the_rule_index_follows_a_changed_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", RulePolicy._get_possible_keys)
    speedups.index_rules()
    policy = RulePolicy.__new__(RulePolicy)
    state = {"prev_action": {"action_name": "utter_greet"}}
    lookup = {'[{"prev_action": {"action_name": "utter_greet"}}]': "action_listen"}
    assert len(policy._get_possible_keys(lookup, [state])) == 1

    lookup['[{"prev_action": {"action_name": "utter_greet"}, "user": {}}]'] = "utter_bye"

    assert len(policy._get_possible_keys(lookup, [state])) == 2


# --- graphs run in dask's recorded order ---------------------------------------------------


class _Node:
    """A graph node as Rasa's are: called with its needs' results, returns (name, value)."""

    def __init__(self, name: str, calls: list[str], fail: bool = False) -> None:
        self.name = name
        self.calls = calls
        self.fail = fail

    def __call__(self, *needs: tuple[str, Any]) -> tuple[str, Any]:
        self.calls.append(self.name)
        if self.fail:
            raise RuntimeError("broken node")
        return self.name, [self.name, *(value for _, value in needs)]


class _Runner:
    """What Rasa's run reads of a DaskGraphRunner: schema, graph building, inputs."""

    def __init__(self, calls: list[str], fail: bool = False) -> None:
        self.needs = {
            "tokens": ("__message__",),
            "features_a": ("tokens",),
            "features_b": ("tokens",),
            "classify": ("features_a", "features_b"),
            "unused": ("tokens",),
        }
        self.nodes = {name: _Node(name, calls, fail and name == "classify") for name in self.needs}
        self._graph_schema = self
        self.target_names = ["classify"]
        self._execution_context = "context"
        self.schemas: list[tuple[str, ...]] = []

    def minimal_graph_schema(self, targets: list[str]) -> tuple[str, ...]:
        self.schemas.append(tuple(targets))
        return ("tokens", "features_a", "features_b", "classify")

    def _build_dask_graph(self, schema: tuple[str, ...]) -> dict[str, Any]:
        return {name: (self.nodes[name], *self.needs[name]) for name in schema}

    _add_inputs_to_graph = staticmethod(DaskGraphRunner.__dict__["_add_inputs_to_graph"].__func__)


@pytest.fixture
def in_order(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)
    speedups.run_graphs_in_order()
    return DaskGraphRunner.run


def test_a_replayed_run_calls_the_nodes_dask_called_in_the_same_order(in_order: Any) -> None:
    calls: list[str] = []
    runner = _Runner(calls)
    by_dask = in_order(runner, {"__message__": "hello"}, ["classify"])
    first = list(calls)
    calls.clear()

    replayed = in_order(runner, {"__message__": "bye"}, ["classify"])

    assert calls == first  # the order dask chose, recorded on the first run
    assert by_dask == {"classify": ["classify", ["features_a", ["tokens", "hello"]],
                                    ["features_b", ["tokens", "hello"]]]}  # fmt: skip
    assert replayed == {"classify": ["classify", ["features_a", ["tokens", "bye"]],
                                     ["features_b", ["tokens", "bye"]]]}  # fmt: skip
    assert runner.schemas == [("classify",)]  # the minimal schema is worked out once


def test_a_failing_node_fails_the_run_as_rasas_does(in_order: Any) -> None:
    from rasa.engine.exceptions import GraphRunError

    runner = _Runner([], fail=True)
    for _ in range(2):  # through dask, then replayed
        with pytest.raises(GraphRunError):
            in_order(runner, {"__message__": "hello"}, ["classify"])


def test_an_input_named_like_a_node_is_refused(in_order: Any) -> None:
    from rasa.engine.exceptions import GraphRunError

    with pytest.raises(GraphRunError, match="clashes with a node name"):
        in_order(_Runner([]), {"__message__": "tokens"}, ["classify"])
