"""The register of Rasa patches: complete, true of the installed Rasa, and refusing otherwise."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import subprocess
import sys
import textwrap
import types
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import rasa
import rasa_sdk
from rasa.core import tracker_store as rasa_tracker_store
from rasa.core.actions import action
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Event

from bot.rasa_ext import lean, patches, speedups, tracker_store
from bot.rasa_ext.patches import (
    ACTION_SERVER,
    PATCHES,
    RASA_SERVER,
    Expect,
    How,
    Kind,
    Patch,
    RasaMismatch,
)
from bot.settings.config import PROJECT_ROOT
from tests.settings import make_settings

RASA_EXT = PROJECT_ROOT / "bot" / "rasa_ext"
RASAS_SQL_STORE = tracker_store.LeanSQLTrackerStore.__bases__[0]
REGISTERED = {patch.target for patch in PATCHES}


def _refusal(process: str = RASA_SERVER) -> str:
    with pytest.raises(RasaMismatch) as refused:
        patches.check(process)
    assert isinstance(refused.value, SystemExit)
    return str(refused.value.code)


@pytest.fixture
def only(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Make the register exactly the patches given (restored afterwards)."""

    def use(*chosen: Patch) -> None:
        monkeypatch.setattr(patches, "PATCHES", chosen)
        monkeypatch.setattr(patches, "BY_NAME", {patch.name: patch for patch in chosen})

    yield use


# --- the check against the installed packages ----------------------------------------------


def test_every_patch_fits_the_installed_rasa() -> None:
    assert patches.problems(RASA_SERVER) == []
    assert patches.problems(ACTION_SERVER) == []
    patches.check()
    patches.check(ACTION_SERVER)


def test_the_pins_are_pyprojects() -> None:
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")

    assert re.findall(r'"rasa==([^"]+)"', pyproject) == [patches.RASA_VERSION]
    assert re.findall(r'"rasa-sdk==([^"]+)"', pyproject) == [patches.RASA_SDK_VERSION]


def test_another_rasa_version_refuses_with_one_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rasa, "__version__", "3.6.20")

    message = _refusal()

    assert message.startswith("Reflect's rasa server will not start")
    assert "Reflect patches Rasa 3.6.21's private code (" in message
    assert "installed Rasa is 3.6.20." in message
    assert "Pin rasa==3.6.21 (pyproject.toml) and reinstall, or review" in message
    assert "bot/rasa_ext/patches.py" in message
    assert "Traceback" not in message
    assert len(message.splitlines()) == 3  # the headline, the one difference, what to do


def test_another_rasa_sdk_version_stops_the_action_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa_sdk, "__version__", "3.6.1")

    message = _refusal(ACTION_SERVER)

    assert (
        "Reflect patches rasa_sdk 3.6.2's private code (1 place); installed rasa_sdk is 3.6.1."
        in message
    )
    assert "Pin rasa-sdk==3.6.2" in message
    assert patches.problems(RASA_SERVER) == []  # each process checks its own


def test_the_refusal_is_an_exit_status_and_a_message_never_a_traceback() -> None:
    probe = (
        "import rasa_sdk\n"
        "rasa_sdk.__version__ = '3.6.1'\n"
        "from bot.rasa_ext import patches\n"
        "patches.check(patches.ACTION_SERVER)\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", probe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "installed rasa_sdk is 3.6.1" in result.stderr
    assert result.stderr.rstrip().endswith("prints the installed hashes).")


def test_a_missing_target_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(action.RemoteAction, "_validate_action_result")

    message = _refusal()

    assert (
        "Reflect replaces Rasa 3.6.21's private RemoteAction._validate_action_result "
        "(rasa.core.actions.action; patch action_result_validator in bot/rasa_ext/speedups.py): "
        "RemoteAction._validate_action_result is missing." in message
    )
    assert "installed Rasa is 3" not in message  # the version is right
    assert len(message.splitlines()) == 3  # the headline, the one difference, what to do


def test_a_changed_signature_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    def _load_model(model_path: str, fingerprint: str | None = None) -> None:
        """Stands for an upstream change of the parameters."""

    monkeypatch.setattr(MessageProcessor, "_load_model", staticmethod(_load_model))

    message = _refusal()

    assert "private MessageProcessor._load_model (rasa.core.processor; " in message
    assert "its parameters are (model_path, fingerprint), not (model_path)." in message


def test_a_changed_body_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        return default  # stands for an upstream change of the body, same parameters

    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(resolve_by_type))

    message = _refusal()

    assert "Reflect wraps Rasa 3.6.21's Event.resolve_by_type" in message
    assert re.search(r"its source differs \(sha256 [0-9a-f]{12}, expected b5cf570fa7f2\)", message)


def test_a_changed_kind_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", property(lambda self: None))

    assert "Event.resolve_by_type is a property, not a staticmethod." in _refusal()

    monkeypatch.setattr(Event, "resolve_by_type", classmethod(lambda cls, name: None))

    assert "Event.resolve_by_type (rasa.shared.core.events; patch event_class_lookup in " in (
        message := _refusal()
    )
    assert "it is a classmethod, not a staticmethod." in message


def _fake_target(value: int) -> int:
    return value + 1


FAKE = Patch(
    name="fake",
    target=f"{__name__}:_fake_target",
    how=How.REPLACES,
    applied_in=f"{__name__}:test_a_fake_target_is_checked_by_kind_parameters_and_hash",
    why="A test's own target.",
    expect=Expect(Kind.FUNCTION, ("value",), patches._sha(inspect.getsource(_fake_target))),
)


def test_a_fake_target_is_checked_by_kind_parameters_and_hash(only: Any) -> None:
    only(FAKE)
    assert patches.problems() == []

    only(replace(FAKE, expect=replace(FAKE.expect, sha256="ab" * 32)))
    assert "its source differs" in _refusal()

    only(replace(FAKE, expect=replace(FAKE.expect, params=("value", "more"))))
    assert "its parameters are (value), not (value, more)" in _refusal()

    only(replace(FAKE, target=f"{__name__}:_no_such_target"))
    assert ": _no_such_target is missing." in _refusal()


def test_a_missing_module_or_instance_attribute_refuses(only: Any) -> None:
    only(
        replace(FAKE, name="gone", target="rasa.no_such_module:thing"),
        replace(FAKE, name="gone_file", target="rasa.no_such_module", expect=Expect(Kind.MODULE)),
        replace(
            FAKE,
            name="unset",
            target="rasa.core.tracker_store:FailSafeTrackerStore._no_such_store",
            expect=Expect(Kind.INSTANCE_ATTRIBUTE),
        ),
    )

    message = _refusal()

    assert "module rasa.no_such_module cannot be imported" in message
    assert "module rasa.no_such_module is missing" in message
    assert (
        "FailSafeTrackerStore._no_such_store is no longer set by FailSafeTrackerStore.__init__"
        in message
    )
    assert len(message.splitlines()) == 5


def test_the_check_reads_rasas_original_under_an_applied_patch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rasas = action.RemoteAction.__dict__["_validate_action_result"]
    monkeypatch.setattr(action.RemoteAction, "_validate_action_result", rasas)
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(rasa_tracker_store, "SQLTrackerStore", RASAS_SQL_STORE)
    monkeypatch.setattr(MessageProcessor, "_load_model", MessageProcessor.__dict__["_load_model"])

    speedups.cache_action_result_validator()
    speedups.cache_event_classes()
    tracker_store.install(make_settings())
    patches.apply("prefork_model_load", staticmethod(lambda model_path: None))

    assert action.RemoteAction._validate_action_result is not rasas
    assert all(patches.applied(name) for name in ("action_result_validator", "sql_tracker_store"))
    assert patches.original("action_result_validator") is rasas
    assert patches.original("sql_tracker_store") is RASAS_SQL_STORE
    assert patches.problems() == []


def test_only_a_swap_is_applied() -> None:
    with pytest.raises(ValueError, match="rest_blueprint relies on its target"):
        patches.apply("rest_blueprint", object())


def test_the_command_line_reports_every_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert patches.main([]) == 0
    out = capsys.readouterr().out
    assert f"rasa server: all {sum(p.process == RASA_SERVER for p in PATCHES)} patches fit" in out
    assert "action server: all 2 patches fit" in out

    assert patches.main(["--sources"]) == 0
    sources = capsys.readouterr().out.splitlines()
    assert len(sources) == len(PATCHES)
    assert all(re.search(r" sha256 [0-9a-f]{64}$", line) for line in sources)


# --- the register itself ---------------------------------------------------------------------


def test_names_are_unique_and_targets_well_formed() -> None:
    assert len({patch.name for patch in PATCHES}) == len(PATCHES)
    assert len({(patch.target, patch.how) for patch in PATCHES}) == len(PATCHES)
    for patch in PATCHES:
        assert patch.package in {"rasa", "rasa_sdk", "sanic"}, patch.name
        assert patch.process in {RASA_SERVER, ACTION_SERVER}, patch.name
        assert bool(patch.qualname) == (patch.expect.kind is not Kind.MODULE), patch.name
        assert patch.why.endswith("."), patch.name
        if patch.package in patches.PINS:
            assert re.fullmatch(r"[0-9a-f]{64}", patch.expect.sha256 or "") or (
                patch.how is How.REPLACES and patch.expect.kind is Kind.CLASS
            ), f"{patch.name}: pin its source with a hash"


def _resolve(dotted: str) -> Any:
    module, _, qualname = dotted.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = inspect.getattr_static(found, part)
    return found


@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.name)
def test_every_patch_names_the_code_that_applies_it(patch: Patch) -> None:
    assert patch.applied_in.startswith("bot.rasa_ext.")
    ours = _resolve(patch.applied_in)
    if patch.how is How.OVERRIDES:
        owner = _resolve(patch.target.rpartition(".")[0])
        subclass = _resolve(patch.applied_in.rpartition(".")[0])
        assert issubclass(subclass, owner)
        assert patch.qualname.rpartition(".")[2] in vars(subclass)
    if patch.how in {How.REPLACES, How.WRAPS}:
        # Applied through patches.apply, so that the check can read Rasa's original.
        assert f'apply("{patch.name}"' in inspect.getsource(ours) or (
            f"apply({_constant_for(patch)}" in inspect.getsource(ours)
        )


def _constant_for(patch: Patch) -> str:
    module = importlib.import_module(patch.applied_in.partition(":")[0])
    names = [name for name, value in vars(module).items() if value == patch.name]
    assert names, f"{patch.applied_in} applies {patch.name} under no name"
    return names[0]


def test_every_lean_placeholder_is_registered() -> None:
    placeholders = {patch.target for patch in PATCHES if patch.how is How.STANDS_IN_FOR}

    assert placeholders == lean.TRAINING_ONLY_MODULES


# --- completeness: every patch in bot/rasa_ext/ is registered -------------------------------

PACKAGES = {"rasa", "rasa_sdk", "sanic"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_abc_impl"


def _imported(tree: ast.AST) -> dict[str, str]:
    """Local name -> dotted name, for every import of Rasa, rasa_sdk or Sanic, at any depth."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    local = alias.asname or alias.name.split(".")[0]
                    names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in PACKAGES:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, imported: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return imported.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, imported)
        return f"{base}.{node.attr}" if base else None
    return None


def _target(dotted: str) -> str:
    """``a.b.Class.attr`` as ``module:Class.attr``, named where the owner is defined."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        break
    rest = parts[cut:]
    if not rest:
        return module.__name__
    owner: Any = module
    for part in rest[:-1]:
        owner = getattr(owner, part)
    if isinstance(owner, types.ModuleType):
        return f"{owner.__name__}:{rest[-1]}"
    return f"{owner.__module__}:{owner.__qualname__}.{rest[-1]}"


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _statement_findings(tree: ast.AST, imported: dict[str, str]) -> list[tuple[int, str]]:
    """Assignments, setattr/delattr and private reads on Rasa's objects, private getattr."""
    found: list[tuple[int, str]] = []
    attribute_names = {target.rpartition(".")[2] for target in REGISTERED}
    for node in ast.walk(tree):
        written: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            written = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            written = [node.target]
        elif isinstance(node, ast.Delete):
            written = node.targets
        for target in written:
            if isinstance(target, ast.Attribute) and (dotted := _dotted(target, imported)):
                found.append((node.lineno, f"assigns {_target(dotted)}"))
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if (dotted := _dotted(node, imported)) and isinstance(node.ctx, ast.Load):
                found.append((node.lineno, f"reads {_target(dotted)}"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            function, obj = node.func.id, node.args[0]
            name = _string(node.args[1]) if len(node.args) > 1 else None
            if function in {"setattr", "delattr"} and (dotted := _dotted(obj, imported)):
                if name is None:
                    found.append((node.lineno, f"{function} on {dotted} with a computed name"))
                else:
                    found.append((node.lineno, f"{function} {_target(f'{dotted}.{name}')}"))
            elif function in {"getattr", "hasattr"} and name and _private(name):
                if name not in attribute_names:
                    found.append((node.lineno, f"{function} of a private {name}"))
    return [(line, what) for line, what in found if what.rpartition(" ")[2] not in REGISTERED]


def _self_assigned(cls: type) -> set[str]:
    """Attributes a class of ours assigns on ``self`` (its own, not Rasa's)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }


def _class_findings(module: types.ModuleType, tree: ast.AST) -> list[tuple[int, str]]:
    """Private names our subclasses of Rasa's classes override, or use from Rasa's."""
    found: list[tuple[int, str]] = []
    top = {node.name for node in getattr(tree, "body", []) if isinstance(node, ast.ClassDef)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        if node.name not in top:
            if node.bases:
                found.append(
                    (
                        node.lineno,
                        f"class {node.name} is inside a function: move it out to be scanned",
                    )
                )
            continue
        cls = getattr(module, node.name)
        theirs = [c for c in cls.__mro__ if c.__module__.split(".")[0] in PACKAGES]
        if not theirs:
            continue
        ours = [c for c in cls.__mro__ if c.__module__.split(".")[0] not in PACKAGES | {"builtins"}]
        defined = {name for c in ours for name in vars(c)}
        assigned = set().union(*(_self_assigned(c) for c in ours))
        names = {name: node.lineno for name in vars(cls) if _private(name)}
        for inner in ast.walk(node):
            if isinstance(inner, ast.Attribute) and _private(inner.attr):
                value = inner.value
                by_self = isinstance(value, ast.Name) and value.id in {"self", "cls"}
                by_super = isinstance(value, ast.Call) and getattr(value.func, "id", "") == "super"
                if (by_self or by_super) and inner.attr not in defined | assigned:
                    names.setdefault(inner.attr, inner.lineno)
        for name, line in names.items():
            owners = [c for c in theirs if name in vars(c)]
            overrides = name in vars(cls)
            if overrides and not owners:
                continue  # a private name of our own; Rasa has none such
            candidates = [f"{c.__module__}:{c.__qualname__}.{name}" for c in owners or theirs]
            registered = {p.target for p in PATCHES if p.how is How.OVERRIDES or not overrides}
            if not registered.intersection(candidates):
                verb = "overrides" if overrides else "uses"
                found.append((line, f"{cls.__qualname__} {verb} {candidates[0]}"))
    return found


def scan(path: Path, module: types.ModuleType) -> list[str]:
    """Every unregistered patch of Rasa, rasa_sdk or Sanic in one module: ``file:line: what``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = _imported(tree)
    found = _statement_findings(tree, imported) + _class_findings(module, tree)
    where = path.relative_to(PROJECT_ROOT) if PROJECT_ROOT in path.parents else path.name
    return [f"{where}:{line}: {what}" for line, what in sorted(found)]


def _rasa_ext_modules() -> list[tuple[Path, types.ModuleType]]:
    return [
        (path, importlib.import_module(f"bot.rasa_ext.{path.stem}"))
        for path in sorted(RASA_EXT.glob("*.py"))
        if path.name not in {"__init__.py", "patches.py"}
    ]


def test_every_patch_of_rasa_in_bot_rasa_ext_is_registered() -> None:
    unregistered = [
        finding for path, module in _rasa_ext_modules() for finding in scan(path, module)
    ]

    assert unregistered == [], (
        "Register each in bot/rasa_ext/patches.py (and apply a swap through patches.apply)"
    )


PROBE = """
from rasa.core import tracker_store
from rasa.core.actions import action as act
from rasa.core.channels.socketio import SocketIOOutput
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import SQLTrackerStore


def patch_everything(store, name):
    act.RemoteAction._validate_action_result = None
    tracker_store.SQLTrackerStore = None
    MessageProcessor._cancel_reminders = None
    setattr(MessageProcessor, "_predict_next_with_tracker", None)
    setattr(MessageProcessor, name, None)
    del act.RemoteAction._send_request
    loader = MessageProcessor._load_model
    runner = MessageProcessor._run_prediction_loop
    return getattr(store, "_secret_tracker_store", None), getattr(store, "_tracker_store")


class Store(SQLTrackerStore):
    def _additional_events(self, session, tracker):
        return self._sqlite_url("db") + self._event_query(session, "s") + self._mine()

    def _mine(self):
        return self._own

    def __init__(self):
        self._own = 1


class Output(SocketIOOutput):
    def _send_message(self, socket_id, response):
        return None


def factory():
    class Inner(SQLTrackerStore):
        pass
    return Inner
"""


def test_the_scan_finds_every_kind_of_unregistered_patch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "probe.py"
    path.write_text(PROBE, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("probe", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "probe", module)
    spec.loader.exec_module(module)

    found = scan(path, module)

    assert found == [
        "probe.py:12: assigns rasa.core.processor:MessageProcessor._cancel_reminders",
        "probe.py:13: setattr rasa.core.processor:MessageProcessor._predict_next_with_tracker",
        "probe.py:14: setattr on rasa.core.processor.MessageProcessor with a computed name",
        "probe.py:15: assigns rasa.core.actions.action:RemoteAction._send_request",
        "probe.py:17: reads rasa.core.processor:MessageProcessor._run_prediction_loop",
        "probe.py:18: getattr of a private _secret_tracker_store",
        "probe.py:21: Store overrides rasa.core.tracker_store:SQLTrackerStore._additional_events",
        "probe.py:23: Store uses rasa.core.tracker_store:SQLTrackerStore._sqlite_url",
        "probe.py:38: class Inner is inside a function: move it out to be scanned",
    ]
