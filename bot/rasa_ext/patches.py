"""Every place Reflect replaces, wraps, overrides or relies on a private part of Rasa.

Reflect is faster and safer than stock Rasa 3.6 because of a few changes to Rasa's own code at
run time (bot/rasa_ext/: loading the model before the fork, the action-reply validator, the
event lookup, the SQL tracker store, the lean imports, the channels). Each depends on private
code that Rasa may change in any release without notice: a renamed method would silently stop
a patch working, and a changed body could make a copied error message or row computation wrong.

So every such dependency is listed here, once, in :data:`PATCHES`: what is patched (the Rasa
target as ``module:qualname``), why, how and where, and what we expect of Rasa's original (its
kind, its parameter names, and the SHA-256 of its source in Rasa 3.6.21, so that any change
upstream is noticed). The patches that swap a Rasa attribute (``How.REPLACES``, ``How.WRAPS``)
are applied through :func:`apply`, which keeps Rasa's original for the check; the rest are
subclasses, calls and placeholder modules, applied where they are and registered here.
tests/bot/rasa_ext/test_patches.py scans bot/rasa_ext/ and fails on a patch that is not
registered here.

:func:`check` runs at start-up in every process that patches Rasa (our Rasa server, the action
server, the message profile). If the installed Rasa is not the pinned version, or any target is
missing or differs, the process refuses to start with one message naming each difference and
what to do, and exits with status 1 (no traceback).

After reviewing a change (a Rasa upgrade), ``python -m bot.rasa_ext.patches --sources`` prints
the installed targets' kinds, parameters and hashes to copy here.
"""

from __future__ import annotations

import argparse
import ast
import enum
import hashlib
import importlib
import importlib.util
import inspect
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The Rasa release every patch below was written against; pyproject.toml pins the same one
#: (tests/bot/rasa_ext/test_patches.py checks that they agree).
RASA_VERSION = "3.6.21"
#: The rasa_sdk release the action server's patches were written against (pinned likewise).
RASA_SDK_VERSION = "3.6.2"

#: The processes that apply patches, each checking its own at start-up.
RASA_SERVER = "rasa server"
ACTION_SERVER = "action server"


class How(enum.Enum):
    """What Reflect does with the target; the value reads as a verb in the check's message."""

    REPLACES = "replaces"
    """Our object takes the attribute's place (through :func:`apply`)."""
    WRAPS = "wraps"
    """Our function takes the attribute's place and calls Rasa's (through :func:`apply`)."""
    STANDS_IN_FOR = "stands in for"
    """A placeholder module is imported instead of Rasa's (bot/rasa_ext/lean.py)."""
    OVERRIDES = "overrides"
    """A subclass of ours overrides the method."""
    CALLS = "calls"
    """Our code calls or reads it."""
    RELIES_ON = "relies on"
    """Our code depends on what its body does."""


class Kind(enum.Enum):
    """What the target must be."""

    FUNCTION = "function"
    STATICMETHOD = "staticmethod"
    CLASSMETHOD = "classmethod"
    CLASS = "class"
    MODULE = "module"
    INSTANCE_ATTRIBUTE = "instance attribute"
    """Set on ``self`` by the class's ``__init__``; its hash is that ``__init__``'s."""


@dataclass(frozen=True)
class Expect:
    """What the target is in the pinned release; ``None`` means "not checked"."""

    kind: Kind
    params: tuple[str, ...] | None = None
    """Parameter names (a class: its constructor's, without ``self``)."""
    sha256: str | None = None
    """SHA-256 of ``inspect.getsource(target)`` (a module: its file)."""


@dataclass(frozen=True)
class Patch:
    """One place where Reflect depends on a private part of Rasa, rasa_sdk or Sanic."""

    name: str
    target: str
    """``module:qualname`` (a module on its own for :attr:`Kind.MODULE`)."""
    how: How
    applied_in: str
    """``module:qualname`` of our code that does it."""
    why: str
    expect: Expect
    process: str = RASA_SERVER

    @property
    def module(self) -> str:
        """The target's module."""
        return self.target.partition(":")[0]

    @property
    def qualname(self) -> str:
        """The target's qualified name in its module (empty for a module)."""
        return self.target.partition(":")[2]

    @property
    def package(self) -> str:
        """The installed distribution's import name: rasa, rasa_sdk or sanic."""
        return self.module.split(".")[0]

    @property
    def private(self) -> bool:
        """Whether the target is private by Python's convention (a leading underscore)."""
        return any(
            part.startswith("_") and not part.startswith("__") for part in self.qualname.split(".")
        )

    @property
    def label(self) -> str:
        """How the message names it: ``RemoteAction._validate_action_result`` or a module."""
        return self.qualname or self.module


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_TRACKER = "rasa.core.tracker_store"
_REST = "rasa.core.channels.rest"
_SOCKETIO = "rasa.core.channels.socketio"
_LOCKS = "rasa.core.lock_store"


def _placeholder(module: str, sha256: str) -> Patch:
    """A training-only module that bot/rasa_ext/lean.py keeps out of the Rasa server."""
    return Patch(
        name=f"lean_{module.rpartition('.')[2]}",
        target=module,
        how=How.STANDS_IN_FOR,
        applied_in="bot.rasa_ext.lean:install_placeholders",
        why="A training-only module that imports TensorFlow on the serving import path; the "
        "Rasa server serves a TensorFlow-free model without it (440 MB and 2.5 s less per "
        "process).",
        expect=Expect(Kind.MODULE, sha256=sha256),
    )


PATCHES: tuple[Patch, ...] = (
    # --- model load before the fork (bot/rasa_ext/prefork.py) ---
    Patch(
        name="prefork_model_load",
        target="rasa.core.processor:MessageProcessor._load_model",
        how=How.WRAPS,
        applied_in="bot.rasa_ext.prefork:share_model",
        why="The model is loaded once, before Sanic forks its workers, and this hands that "
        "graph to every later load of the same file: the workers start together, ready, and "
        "share its memory.",
        expect=Expect(
            Kind.STATICMETHOD,
            ("model_path",),
            "17f24faf96817bdf63af426fcbf3e2d830731a801573e448c070fc0ebb396ad2",
        ),
    ),
    # --- per-message speedups (bot/rasa_ext/speedups.py) ---
    Patch(
        name="action_result_validator",
        target="rasa.core.actions.action:RemoteAction._validate_action_result",
        how=How.REPLACES,
        applied_in="bot.rasa_ext.speedups:cache_action_result_validator",
        why="Action-server replies are validated with a validator built once instead of "
        "jsonschema.validate per call (63 % of a message's time); same check, and the error "
        "message copied from this body.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "result"),
            "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42",
        ),
    ),
    Patch(
        name="event_class_lookup",
        target="rasa.shared.core.events:Event.resolve_by_type",
        how=How.WRAPS,
        applied_in="bot.rasa_ext.speedups:cache_event_classes",
        why="Each event type name's class is remembered after Rasa's first lookup, instead of "
        "walking the Event class tree for every stored event (6 % of a message).",
        expect=Expect(
            Kind.STATICMETHOD,
            ("type_name", "default"),
            "b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968",
        ),
    ),
    Patch(
        name="classifier_load",
        target="rasa.nlu.classifiers.logistic_regression_classifier:"
        "LogisticRegressionClassifier.load",
        how=How.WRAPS,
        applied_in="bot.rasa_ext.speedups:contiguous_classifier_weights",
        why="The loaded classifier's weights are stored column-major, so predict_proba's "
        "product with their transpose no longer copies the whole matrix per message (about "
        "1 ms, 10 % of the Rasa server's CPU under load); the same numbers, bit for bit.",
        expect=Expect(
            Kind.CLASSMETHOD,
            ("cls", "config", "model_storage", "resource", "execution_context", "kwargs"),
            "2d8ec27bf0582219b32a8d798bfd0c17e793440668fc48d8bb360a17b800e7bb",
        ),
    ),
    Patch(
        name="rule_possible_keys",
        target="rasa.core.policies.rule_policy:RulePolicy._get_possible_keys",
        how=How.REPLACES,
        applied_in="bot.rasa_ext.speedups:index_rules",
        why="Rules are looked up by the conversation's previous action before each is checked "
        "against the conversation, instead of checking every rule (10 % of the Rasa server's "
        "CPU under load); the same set, built in the same order.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "lookup", "states"),
            "2915fd81711e194c6d667728e00bd0e51e9c1c2791a0be14c55f0ef9938f9936",
        ),
    ),
    Patch(
        name="rule_applicable",
        target="rasa.core.policies.rule_policy:RulePolicy._is_rule_applicable",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.speedups:index_rules",
        why="The index keeps only rules that this check could pass for the latest state: one "
        "whose last state needs another previous action fails it, and so does a conversation "
        "start against a state that is not one (or the other way round).",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "rule_key", "turn_index", "conversation_state"),
            "64a108b016b46e573d6020b755a6036439dc207a364b45c9ea5dcb0f18dc7068",
        ),
    ),
    Patch(
        name="rule_state_match",
        target="rasa.core.policies.rule_policy:RulePolicy._does_rule_match_state",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.speedups:index_rules",
        why="The index reads a rule's required previous action as this check does: a value "
        "that is set and not SHOULD_NOT_BE_SET must equal the conversation's.",
        expect=Expect(
            Kind.STATICMETHOD,
            ("rule_state", "conversation_state"),
            "d3109c1a97de319ceee17570d2d96b51c2fa0006379c5a491d5ed7df136666a7",
        ),
    ),
    Patch(
        name="graph_run",
        target="rasa.engine.runner.dask:DaskGraphRunner.run",
        how=How.REPLACES,
        applied_in="bot.rasa_ext.speedups:run_graphs_in_order",
        why="The NLU and policy graphs run twice or more per message through dask's scheduler "
        "(7 % of the Rasa server's CPU); the first run of each graph shape goes through dask "
        "and records the order it calls the nodes in, later runs call them in that order.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "inputs", "targets"),
            "45f0f52f574f3aa9546a552bf671183e171092c18b66e97f5771a7fa295de37e",
        ),
    ),
    Patch(
        name="graph_build",
        target="rasa.engine.runner.dask:DaskGraphRunner._build_dask_graph",
        how=How.CALLS,
        applied_in="bot.rasa_ext.speedups:run_graphs_in_order",
        why="Every run still builds Rasa's dask graph from the schema, as Rasa's run does.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "schema"),
            "5bb99f974d512a36acb61caaf77aafc851b90c04ce4d02c262f230c75086cbee",
        ),
    ),
    Patch(
        name="graph_inputs",
        target="rasa.engine.runner.dask:DaskGraphRunner._add_inputs_to_graph",
        how=How.CALLS,
        applied_in="bot.rasa_ext.speedups:run_graphs_in_order",
        why="Every run still adds its inputs as Rasa's run does (and refuses a clash).",
        expect=Expect(
            Kind.STATICMETHOD,
            ("inputs", "graph"),
            "d04a0ca2df6241c16997b89d63e2ca89cd1d43bd5f9920843a2a86cb4286ac73",
        ),
    ),
    # --- the lean SQL tracker store (bot/rasa_ext/tracker_store.py) ---
    Patch(
        name="sql_tracker_store",
        target=f"{_TRACKER}:SQLTrackerStore",
        how=How.REPLACES,
        applied_in="bot.rasa_ext.tracker_store:install",
        why="`type: SQL` in endpoints.yml becomes LeanSQLTrackerStore (a subclass): the same "
        "table and rows without a COUNT and the ORM objects per message.",
        expect=Expect(
            Kind.CLASS,
            (
                "domain",
                "dialect",
                "host",
                "port",
                "db",
                "username",
                "password",
                "event_broker",
                "login_db",
                "query",
                "kwargs",
            ),
        ),
    ),
    Patch(
        name="sql_tracker_store_factory",
        target=f"{_TRACKER}:_create_from_endpoint_config",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.tracker_store:install",
        why="It looks SQLTrackerStore up in its module when it builds a `type: SQL` store, "
        "which is what makes replacing that module attribute take effect.",
        expect=Expect(
            Kind.FUNCTION,
            ("endpoint_config", "domain", "event_broker"),
            "03774fe65131c37441a2bb144eb5302110dc055a1a4679e99064b51104bc8e55",
        ),
    ),
    Patch(
        name="sql_tracker_store_retrieve",
        target=f"{_TRACKER}:SQLTrackerStore._retrieve",
        how=How.OVERRIDES,
        applied_in="bot.rasa_ext.tracker_store:LeanSQLTrackerStore._retrieve",
        why="Ours loads only the data column and notes how many events came from the database; "
        "Rasa's retrieve methods call this one.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "sender_id", "fetch_events_from_all_sessions"),
            "c8adbf6f4b61ddd1124690944ebdf2ebc82d0723bd07c6704caab0b80120a0ef",
        ),
    ),
    Patch(
        name="sql_tracker_store_save",
        target=f"{_TRACKER}:SQLTrackerStore.save",
        how=How.OVERRIDES,
        applied_in="bot.rasa_ext.tracker_store:LeanSQLTrackerStore.save",
        why="Ours inserts the new events in one statement, with exactly the columns this body "
        "computes (LeanSQLTrackerStore._row copies it).",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "tracker"),
            "57165e46eab3de0866e77f03df0bf7fd5eac2c1de617ed431b934c9a4edfeef6",
        ),
    ),
    Patch(
        name="sql_tracker_store_event_query",
        target=f"{_TRACKER}:SQLTrackerStore._event_query",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.tracker_store:LeanSQLTrackerStore._stored_data",
        why="Ours selects the same rows in the same order as this query (the latest session "
        "unless asked for all), in its two steps so that its indexes are used.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "session", "sender_id", "fetch_events_from_all_sessions"),
            "cd44f7901b860bfd598a813bde17d0d5b0d7bab129feaf76bb2dca87d628625b",
        ),
    ),
    Patch(
        name="sql_tracker_store_additional_events",
        target=f"{_TRACKER}:SQLTrackerStore._additional_events",
        how=How.CALLS,
        applied_in="bot.rasa_ext.tracker_store:LeanSQLTrackerStore.save",
        why="Ours falls back to Rasa's way (a COUNT) of finding the new events for a tracker it "
        "did not load.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "session", "tracker"),
            "d22f99eb863acb07afee63d9fe3a04ca8464251e67a43eb7d36c2d65ffc1653f",
        ),
    ),
    Patch(
        name="fail_safe_inner_store",
        target=f"{_TRACKER}:FailSafeTrackerStore._tracker_store",
        how=How.CALLS,
        applied_in="bot.rasa_ext.tracker_store:_layers",
        why="'Forget this conversation' finds the SQL store inside the wrapper Rasa hands out.",
        expect=Expect(
            Kind.INSTANCE_ATTRIBUTE,
            sha256="a1d5d95d2f96830b72e12729e0e200ceb97da2a9e4443e9568ca7ccadd8154f2",
        ),
    ),
    Patch(
        name="fail_safe_fallback_store",
        target=f"{_TRACKER}:FailSafeTrackerStore._fallback_tracker_store",
        how=How.CALLS,
        applied_in="bot.rasa_ext.tracker_store:_layers",
        why="'Forget this conversation' also deletes from Rasa's in-memory fallback store, "
        "which holds the conversation once a save has failed.",
        expect=Expect(
            Kind.INSTANCE_ATTRIBUTE,
            sha256="a1d5d95d2f96830b72e12729e0e200ceb97da2a9e4443e9568ca7ccadd8154f2",
        ),
    ),
    Patch(
        name="awaitable_inner_store",
        target=f"{_TRACKER}:AwaitableTrackerStore._tracker_store",
        how=How.CALLS,
        applied_in="bot.rasa_ext.tracker_store:_layers",
        why="'Forget this conversation' finds the SQL store inside this wrapper too.",
        expect=Expect(
            Kind.INSTANCE_ATTRIBUTE,
            sha256="8ab8149a9be22d8fc96da782a23854c889ecd5fcf566928bca49e02653ef37cf",
        ),
    ),
    # --- fail closed (bot/rasa_ext/fail_closed.py) ---
    Patch(
        name="fail_closed_tracker_store",
        target="rasa.core.agent:Agent._create_tracker_store",
        how=How.REPLACES,
        applied_in="bot.rasa_ext.fail_closed:install",
        why="Rasa wraps every tracker store in FailSafeTrackerStore, which answers a failed "
        "read with a new conversation and keeps a failed save in memory; ours raises instead. "
        "Rasa's body is copied with only the wrapper changed.",
        expect=Expect(
            Kind.STATICMETHOD,
            ("store", "domain"),
            "97499b594b45581b2c6d8ff7adb9083af24eba85654995a40350de65633ca574",
        ),
    ),
    Patch(
        name="fail_closed_turn",
        target="rasa.core.processor:MessageProcessor.handle_message",
        how=How.WRAPS,
        applied_in="bot.rasa_ext.fail_closed:install",
        why="A turn's replies are held until its tracker is saved; a tracker store or action "
        "server failure drops them and tells the user through their channel instead. Relies "
        "on the save being the body's last step and on it returning the collected messages.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "message"),
            "0c41d4780d2d46769ef2ae2b3f450b88d2602e916590e8be9975aa474db9f7f4",
        ),
    ),
    Patch(
        name="fail_closed_sends",
        target="rasa.core.processor:MessageProcessor._send_bot_messages",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.fail_closed:HeldOutput",
        why="Every bot message of a turn goes out through output_channel.send_response here, "
        "so holding that one call holds the turn.",
        expect=Expect(
            Kind.STATICMETHOD,
            ("events", "tracker", "output_channel"),
            "154f44b4e1d3a0d15f7f5cf5ef1e8fa1892f62334130812a4388d651c798bd8e",
        ),
    ),
    Patch(
        name="fail_closed_run_action",
        target="rasa.core.processor:MessageProcessor._run_action",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.fail_closed:ActionServerFailed",
        why="It catches Exception around action.run and carries on; the action server failure "
        "is a BaseException so that it ends the turn instead.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "action", "tracker", "output_channel", "nlg", "prediction"),
            "6d383d0179ef1187639887289168959a5a82f94e6949e4e27bb83b2165094995",
        ),
    ),
    Patch(
        name="action_timeout",
        target="rasa.core.actions.action:RemoteAction.run",
        how=How.WRAPS,
        applied_in="bot.rasa_ext.fail_closed:install",
        why="Rasa waits 300 s (DEFAULT_REQUEST_TIMEOUT) for the action server; ours gives a "
        "turn's calls ACTION_TIMEOUT_SECONDS together, and turns a timeout, refused connection "
        "or failed call (the RasaException it raises from them) into the end of the turn.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "output_channel", "nlg", "tracker", "domain"),
            "ccabf6f1160d527a157fad5bd285ce69e8221b1bcad23f8a61499b4360a1c17e",
        ),
    ),
    # --- lean imports (bot/rasa_ext/lean.py) ---
    _placeholder(
        "rasa.utils.tensorflow.callback",
        "745cf6fe393d9fcb354869eb639e2bf7e34a178b7e3301c1a3e036540b6ada7e",
    ),
    _placeholder(
        "rasa.utils.tensorflow.data_generator",
        "9d766a17c1ef507e8223a9f8436bd7ff6d2517055d5e66f59f92f76448268fd5",
    ),
    _placeholder(
        "rasa.nlu.classifiers.diet_classifier",
        "ca5e35c7a0305dc8720ce252f6eb1599173493c26f549a3e8de673a7b4ff5556",
    ),
    _placeholder(
        "rasa.nlu.selectors.response_selector",
        "590eaebc094689022eef45d68a43886e0c02089a7cfb460a8fa0f7ece9ba1f59",
    ),
    _placeholder(
        "rasa.core.policies.ted_policy",
        "fcb8b8dcd4be88253245f32dc3c39a2bd95110fd1876897ee7da539aee886396",
    ),
    # --- the input and output channels (bot/rasa_ext/channels.py) ---
    Patch(
        name="rest_extract_sender",
        target=f"{_REST}:RestInput._extract_sender",
        how=How.OVERRIDES,
        applied_in="bot.rasa_ext.channels:AnonymisingRestInput._extract_sender",
        why="The sender is hashed and the message cleaned (off the event loop) before a "
        "UserMessage exists.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "req"),
            "1a9567a3062f0ab8b5dd5c670bd21dbd5d67b7bf260345295c562f6aabbd7177",
        ),
    ),
    Patch(
        name="rest_extract_message",
        target=f"{_REST}:RestInput._extract_message",
        how=How.OVERRIDES,
        applied_in="bot.rasa_ext.channels:AnonymisingRestInput._extract_message",
        why="Rasa sees only the anonymised text.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "req"),
            "5182b25edf8d4baa54e6eef0c11720c5f2bf99c0cd3c4031c88d3dd5235645bb",
        ),
    ),
    Patch(
        name="rest_extract_input_channel",
        target=f"{_REST}:RestInput._extract_input_channel",
        how=How.OVERRIDES,
        applied_in="bot.rasa_ext.channels:AnonymisingRestInput._extract_input_channel",
        why="The client may not choose the input channel Rasa records.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "req"),
            "ca08e7f6dc2980a5013d4cf1aa8fb80e619e9cf1903b0accdb4e20e46f76f06c",
        ),
    ),
    Patch(
        name="rest_blueprint",
        target=f"{_REST}:RestInput.blueprint",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.channels:AnonymisingRestInput.blueprint",
        why="Its route awaits _extract_sender before it calls _extract_message (the door runs "
        "there), and answers with the messages collected on the output channel it made, which "
        "RevealingOutput passes every reply on to, receipts revealed.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "on_new_message"),
            "886a9338e4c2505a0d2e70242c27887311d1529a18037dbd6d1dbfe77f699d0f",
        ),
    ),
    Patch(
        name="socketio_send_message",
        target=f"{_SOCKETIO}:SocketIOOutput._send_message",
        how=How.OVERRIDES,
        applied_in="bot.rasa_ext.channels:_RoomOutput._send_message",
        why="Every widget reply is sent to the session's room, receipts revealed at the last "
        "moment.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "socket_id", "response"),
            "7e650a5b43f28180cf614960eae23e9fbaf94a3e429557a9b35f87057b661e00",
        ),
    ),
    Patch(
        name="socketio_output",
        target=f"{_SOCKETIO}:SocketIOOutput",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.channels:_RoomOutput",
        why="Every text and button message passes through _send_message, and only custom "
        "payloads take their room from the recipient: so _RoomOutput reaches every send.",
        expect=Expect(
            Kind.CLASS,
            ("sio", "bot_message_evt"),
            "370dc3e8aca97964842123b13ac37e110a66b9513d43b5bffe08902c64ca454e",
        ),
    ),
    Patch(
        name="socketio_blueprint_register",
        target=f"{_SOCKETIO}:SocketBlueprint.register",
        how=How.OVERRIDES,
        applied_in="bot.rasa_ext.channels:_WidgetBlueprint.register",
        why="The widget's blueprint remembers the app it joins, for the agent's tracker and "
        "lock stores (history, forget).",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "app", "options"),
            "707dff87ab9fcb2663a81403c219a42e28111ac090baf7d50d4183c82b2b8fe3",
        ),
    ),
    Patch(
        name="socketio_input_init",
        target=f"{_SOCKETIO}:SocketIOInput.__init__",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.channels:AnonymisingSocketIOInput.__init__",
        why="Our channel passes its arguments by position and reads the attributes it sets "
        "(namespace, socketio_path, jwt_key, jwt_algorithm, the event names), while replacing "
        "its blueprint and handlers.",
        expect=Expect(
            Kind.FUNCTION,
            (
                "self",
                "user_message_evt",
                "bot_message_evt",
                "namespace",
                "session_persistence",
                "socketio_path",
                "jwt_key",
                "jwt_method",
                "metadata_key",
            ),
            "d9f5d7dbc59ba16b80d0aadf971b73512185ed7229c4959e1da367fd43d496de",
        ),
    ),
    Patch(
        name="output_channel",
        target="rasa.core.channels.channel:OutputChannel",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.channels:RevealingOutput",
        why="RevealingOutput passes each of its send methods on to Rasa's output channel; a "
        "send method added upstream would bypass the wrapped channel's own.",
        expect=Expect(
            Kind.CLASS, (), "8e2010adf347ff45e64ff460cfd90e4094c4924960a9efeb7251a687199f8d72"
        ),
    ),
    Patch(
        name="collected_messages",
        target="rasa.core.channels.channel:CollectingOutputChannel.messages",
        how=How.CALLS,
        applied_in="bot.rasa_ext.channels:_RevealingCollector.messages",
        why="The REST route and Rasa's processor read the replies from here; the wrapper "
        "around a collecting channel shows the wrapped one's.",
        expect=Expect(
            Kind.INSTANCE_ATTRIBUTE,
            sha256="669bb86a1b435e10d4126bff3f6560af9cfd1c8e1d35640c266bea9a3f53e384",
        ),
    ),
    # --- the atomic Redis lock store (bot/rasa_ext/lock_store.py) ---
    Patch(
        name="lock_store_lock",
        target=f"{_LOCKS}:LockStore.lock",
        how=How.OVERRIDES,
        applied_in="bot.rasa_ext.lock_store:AtomicRedisLockStore.lock",
        why="Rasa's agent and processor lock each message through this context manager; ours "
        "takes a ticket and the lock atomically in Redis instead of this body's "
        "read-modify-write of one JSON value and 1 s polling.",
        expect=Expect(
            Kind.FUNCTION,
            ("self", "conversation_id", "lock_lifetime", "wait_time_in_seconds"),
            "8b9b716c031a34445100c32e7123859553831d2ac4747ae2b47a581f137ea371",
        ),
    ),
    Patch(
        name="lock_store_custom_class",
        target=f"{_LOCKS}:_load_from_module_name_in_endpoint_config",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.lock_store:AtomicRedisLockStore",
        why="endpoints.yml names our store by class path; this builds it as "
        "`cls(endpoint_config=...)`, the one argument our constructor reads its options from.",
        expect=Expect(
            Kind.FUNCTION,
            ("endpoint_config",),
            "5479347bbb2762be0c534c374eecaf0205410a44c3a7cc5f43405af9e9f06316",
        ),
    ),
    Patch(
        name="lock_store_many_workers",
        target="rasa.core.utils:_lock_store_is_multi_worker_compatible",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.lock_store:AtomicRedisLockStore",
        why="Rasa runs more than one Sanic worker (RASA_WORKERS) only with a lock store this "
        "accepts; it accepts any custom `type` other than in_memory, so ours.",
        expect=Expect(
            Kind.FUNCTION,
            ("lock_store",),
            "db77e791e2ae3f09989c1574c9938acd82b95b79289e19a35cf5e91b979b426e",
        ),
    ),
    # --- the action server (bot/rasa_ext/action_server.py) ---
    Patch(
        name="action_server_app",
        target="rasa_sdk.endpoint:create_app",
        how=How.RELIES_ON,
        applied_in="bot.rasa_ext.action_server:create_app",
        why="We serve its app, replacing the exception handler it registers (which puts the "
        "request body, the whole tracker, in a 500) and putting our token check in front of "
        "the CORS middleware it configures.",
        expect=Expect(
            Kind.FUNCTION,
            ("action_package_name", "cors_origins", "auto_reload"),
            "4f0ea292cb96d1f8d16a8fd42502dddc8c20d8242c72bf0b95f4c259b5e40952",
        ),
        process=ACTION_SERVER,
    ),
    Patch(
        name="action_server_request_middleware",
        target="sanic.app:Sanic.request_middleware",
        how=How.CALLS,
        applied_in="bot.rasa_ext.action_server:create_app",
        why="The token check is put at the front of this queue when the server starts, after "
        "Sanic-CORS has put its own there.",
        expect=Expect(Kind.INSTANCE_ATTRIBUTE),
        process=ACTION_SERVER,
    ),
)

BY_NAME: dict[str, Patch] = {patch.name: patch for patch in PATCHES}

#: The pinned release of each package whose private parts are patched (Sanic: Rasa pins it).
PINS: dict[str, str] = {"rasa": RASA_VERSION, "rasa_sdk": RASA_SDK_VERSION}
_LABELS = {"rasa": "Rasa", "rasa_sdk": "rasa_sdk", "sanic": "Sanic"}
_REQUIREMENTS = {"rasa": f"rasa=={RASA_VERSION}", "rasa_sdk": f"rasa-sdk=={RASA_SDK_VERSION}"}

# Rasa's original and our replacement for each patch applied in this process (see apply()), by
# the patch's name and by its target.
_APPLIED: dict[str, tuple[Any, Any]] = {}
_SWAPPED: dict[str, tuple[Any, Any]] = {}


class RasaMismatch(SystemExit):
    """The installed Rasa is not what the patches were written for: the process must not start.

    A :class:`SystemExit` whose code is the message, so the interpreter prints it (without a
    traceback) and exits with status 1.
    """


class _Missing(Exception):
    """A target could not be found (the message says which part)."""


# --- applying ------------------------------------------------------------------------------


def _owner_and_attribute(patch: Patch) -> tuple[Any, str]:
    """The object holding the target attribute (a module or a class) and the attribute name."""
    try:
        owner: Any = importlib.import_module(patch.module)
    except ImportError as exc:
        raise _Missing(f"module {patch.module} cannot be imported ({exc})") from None
    *path, attribute = patch.qualname.split(".")
    for depth, part in enumerate(path, start=1):
        try:
            owner = getattr(owner, part)
        except AttributeError:
            raise _Missing(f"{part} is missing from {patch.module}") from None
        # Rasa's own class, even where one of our patches has replaced it (sql_tracker_store).
        swapped = _SWAPPED.get(f"{patch.module}:{'.'.join(path[:depth])}")
        if swapped is not None and swapped[1] is owner:
            owner = swapped[0]
    return owner, attribute


def _current(patch: Patch) -> Any:
    """The target as it is now, undecorated (a staticmethod object, not its function)."""
    owner, attribute = _owner_and_attribute(patch)
    try:
        return inspect.getattr_static(owner, attribute)
    except AttributeError:
        raise _Missing(f"{patch.label} is missing") from None


def _original_raw(patch: Patch) -> Any:
    """Rasa's own target: the one :func:`apply` replaced, while our replacement is in place."""
    current = _current(patch)
    applied = _APPLIED.get(patch.name)
    if applied is not None and applied[1] is current:
        return applied[0]
    return current


def original(name: str) -> Any:
    """Rasa's own object for patch ``name``, callable (a staticmethod's function).

    A classmethod's function is returned unbound: call it with the class first.
    """
    raw = _original_raw(BY_NAME[name])
    return raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw


def applied(name: str) -> bool:
    """Whether :func:`apply` put our object in place of patch ``name``'s target (still there)."""
    record = _APPLIED.get(name)
    return record is not None and record[1] is _current(BY_NAME[name])


def apply(name: str, replacement: Any) -> None:
    """Put ``replacement`` in place of patch ``name``'s target, keeping Rasa's original.

    Only for the patches that swap an attribute (:attr:`How.REPLACES`, :attr:`How.WRAPS`).
    ``replacement`` is set exactly as given: pass ``staticmethod(f)`` for a static method,
    ``classmethod(f)`` for a class method.
    """
    patch = BY_NAME[name]
    if patch.how not in {How.REPLACES, How.WRAPS}:
        raise ValueError(f"patch {name} {patch.how.value} its target; it is not applied")
    owner, attribute = _owner_and_attribute(patch)
    rasas = _original_raw(patch)
    setattr(owner, attribute, replacement)
    _APPLIED[name] = _SWAPPED[patch.target] = (rasas, replacement)


# --- checking ------------------------------------------------------------------------------


def _source(obj: Any) -> str:
    return inspect.getsource(obj)


def _module_file(module: str) -> Path:
    """The file of a module, found without importing it (a placeholder may stand in for it)."""
    root, _, rest = module.partition(".")
    spec = importlib.util.find_spec(root)
    if spec is None or spec.origin is None:
        raise _Missing(f"{root} is not installed")
    base = Path(spec.origin).parent.joinpath(*rest.split(".")) if rest else Path(spec.origin)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    raise _Missing(f"module {module} is missing")


def _assigned_on_self(init: Any, attribute: str) -> bool:
    """Whether ``init``'s body assigns ``self.<attribute>``."""
    tree = ast.parse(textwrap.dedent(_source(init)))
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == attribute
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                return True
    return False


def _params(obj: Any) -> tuple[str, ...]:
    return tuple(inspect.signature(obj).parameters)


def _inspect(patch: Patch) -> tuple[Kind, tuple[str, ...] | None, Callable[[], str]]:
    """What the installed target is: its kind, parameter names and (on demand) source hash.

    Raises:
        _Missing: if the target (or for an instance attribute, its assignment) is not there.
    """
    kind = patch.expect.kind
    if kind is Kind.MODULE:
        path = _module_file(patch.module)
        return Kind.MODULE, None, lambda: _sha(path.read_text(encoding="utf-8"))
    if kind is Kind.INSTANCE_ATTRIBUTE:
        owner, attribute = _owner_and_attribute(patch)
        init = owner.__init__
        if not inspect.isfunction(init) or not _assigned_on_self(init, attribute):
            raise _Missing(f"{patch.label} is no longer set by {owner.__qualname__}.__init__")
        return Kind.INSTANCE_ATTRIBUTE, None, lambda: _sha(_source(init))
    raw = _original_raw(patch)
    if isinstance(raw, (staticmethod, classmethod)):
        function = raw.__func__
        found = Kind.STATICMETHOD if isinstance(raw, staticmethod) else Kind.CLASSMETHOD
        return found, _params(function), lambda: _sha(_source(function))
    if inspect.isclass(raw):
        found = Kind.CLASS
    elif inspect.isfunction(raw):
        found = Kind.FUNCTION
    else:
        raise _Missing(f"{patch.label} is a {type(raw).__name__}, not a {kind.value}")
    return found, _params(raw), lambda: _sha(_source(raw))


def _difference(patch: Patch) -> str | None:
    """How the installed target differs from what the patch expects, or ``None``."""
    expect = patch.expect
    try:
        kind, params, sha256 = _inspect(patch)
        if kind is not expect.kind:
            return f"it is a {kind.value}, not a {expect.kind.value}"
        if expect.params is not None and params != expect.params:
            shown = ", ".join(params or ())
            return f"its parameters are ({shown}), not ({', '.join(expect.params)})"
        if expect.sha256 is not None and (installed := sha256()) != expect.sha256:
            return f"its source differs (sha256 {installed[:12]}, expected {expect.sha256[:12]})"
    except _Missing as missing:
        return str(missing)
    except (OSError, TypeError, ValueError, SyntaxError) as exc:  # no source to read
        return f"its source cannot be read ({type(exc).__name__})"
    return None


def _installed_version(package: str) -> str | None:
    try:
        return str(importlib.import_module(package).__version__)
    except (ImportError, AttributeError):
        return None


def _where(patch: Patch) -> str:
    return patch.applied_in.partition(":")[0].replace(".", "/") + ".py"


def problems(process: str = RASA_SERVER) -> list[str]:
    """One line per difference between the installed packages and the patches of ``process``."""
    mine = [patch for patch in PATCHES if patch.process == process]
    found: list[str] = []
    for package in sorted({patch.package for patch in mine} & PINS.keys()):
        installed = _installed_version(package)
        if installed != PINS[package]:
            label = _LABELS[package]
            count = sum(patch.package == package for patch in mine)
            places = f"{count} place{'s' if count != 1 else ''}"
            found.append(
                f"Reflect patches {label} {PINS[package]}'s private code ({places}); "
                f"installed {label} is {installed or 'missing'}."
            )
    for patch in mine:
        difference = _difference(patch)
        if difference is not None:
            release = PINS.get(patch.package)
            label = _LABELS.get(patch.package, patch.package)
            of = f"{label} {release}'s" if release else f"{label}'s"
            found.append(
                f"Reflect {patch.how.value} {of} {'private ' if patch.private else ''}"
                f"{patch.label} ({patch.module}; patch "
                f"{patch.name} in {_where(patch)}): {difference}."
            )
    return found


def refusal(process: str, found: Sequence[str]) -> str:
    """The message a process refuses to start with."""
    pins = " and ".join(
        _REQUIREMENTS[package]
        for package in sorted(PINS)
        if any(p.process == process and p.package == package for p in PATCHES)
    )
    packages = " and ".join(
        _LABELS[package]
        for package in sorted(PINS)
        if any(p.process == process and p.package == package for p in PATCHES)
    )
    lines = [
        f"Reflect's {process} will not start: the installed {packages} is not what its "
        "patches (bot/rasa_ext/patches.py) were written for.",
        *(f"  - {line}" for line in found),
        f"Pin {pins} (pyproject.toml) and reinstall, or review each patch named above in "
        "bot/rasa_ext/patches.py against the installed source and update it "
        "(python -m bot.rasa_ext.patches --sources prints the installed hashes).",
    ]
    return "\n".join(lines)


def check(process: str = RASA_SERVER) -> None:
    """Refuse to start (:class:`RasaMismatch`, exit status 1) unless every patch still fits.

    Call it at start-up, after bot.rasa_ext.lean has installed its placeholders (it imports
    Rasa's modules) and before any patch is applied; it also holds after :func:`apply`.
    """
    found = problems(process)
    if found:
        raise RasaMismatch(refusal(process, found))


def _describe(patch: Patch) -> str:
    try:
        kind, params, sha256 = _inspect(patch)
        shown = "" if params is None else f" ({', '.join(params)})"
        return f"{patch.target}: {kind.value}{shown} sha256 {sha256()}"
    except Exception as exc:  # a report of what is there: never stop at one target
        return f"{patch.target}: not found ({exc})"


def main(argv: list[str] | None = None) -> int:
    """``python -m bot.rasa_ext.patches``: check every process's patches, or list the sources."""
    parser = argparse.ArgumentParser(description="Check Reflect's patches of Rasa.")
    parser.add_argument("--sources", action="store_true", help="print each installed target")
    args = parser.parse_args(argv)
    if args.sources:
        for patch in PATCHES:
            print(_describe(patch))
        return 0
    failed = False
    for process in (RASA_SERVER, ACTION_SERVER):
        found = problems(process)
        if found:
            print(refusal(process, found), file=sys.stderr)
            failed = True
        else:
            count = sum(patch.process == process for patch in PATCHES)
            print(f"{process}: all {count} patches fit the installed packages")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
