"""domain.yml, actions/, names.py, the training data and bot/ agree with each other."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.core.constants import DEFAULT_ACTION_NAMES
from rasa_sdk import Action

import actions
from actions import names
from bot.content.loader import load_pack_file
from bot.content.messages import load_templates
from bot.settings.config import PROJECT_ROOT

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
NLU_FILES = sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml"))
DIALOGUE_FILES = sorted(
    [
        *(PROJECT_ROOT / "data" / "rules").glob("*.yml"),
        *(PROJECT_ROOT / "data" / "stories").glob("*.yml"),
    ]
)
HELDOUT_FILE = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
MIN_EXAMPLES = 25
# Intents Rasa adds itself; rules may use them without listing them in the domain.
RASA_INTENTS = {"nlu_fallback"}
# Briefing text that must live in the content pack, never in code.
BRIEFING_PHRASES = ["Adult A", "18 months", "non-accidental", "Pan Sussex"]


@cache
def domain() -> dict[str, Any]:
    data = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def domain_names(section: str) -> set[str]:
    entries = domain().get(section) or []
    if isinstance(entries, dict):
        return set(entries)
    return {next(iter(e)) if isinstance(e, dict) else e for e in entries}


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (PROJECT_ROOT / folder).rglob("*.py"))


def relative(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT))


@cache
def action_classes() -> tuple[type[Action], ...]:
    """Every Action subclass defined in actions/, as rasa_sdk's executor would register them."""
    found = []
    for module_info in pkgutil.iter_modules(actions.__path__, prefix="actions."):
        module = importlib.import_module(module_info.name)
        found.extend(
            obj
            for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, Action)
            and obj.__module__ == module.__name__
            and not inspect.isabstract(obj)
        )
    return tuple(found)


def implemented_action_names() -> list[str]:
    return [cls().name() for cls in action_classes()]


def constants(prefix: str) -> dict[str, str]:
    return {key: value for key, value in vars(names).items() if key.startswith(prefix)}


def _annotation_free(example: str) -> str:
    """An example without entity annotations, lower-cased, for comparing texts."""
    text = re.sub(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})", r"\1", example)
    return " ".join(text.lower().split())


def examples(files: list[Path]) -> dict[str, list[str]]:
    """Examples per intent in Rasa NLU YAML files."""
    found: dict[str, list[str]] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if "intent" not in item:
                continue
            lines = [
                line.strip()[2:].strip()
                for line in str(item.get("examples", "")).splitlines()
                if line.strip().startswith("- ")
            ]
            found.setdefault(item["intent"], []).extend(lines)
    return found


def dialogue_steps() -> list[tuple[str, dict[str, Any]]]:
    """Every step of every rule and story, with the file it came from."""
    steps = []
    for path in DIALOGUE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in [*(data.get("rules") or []), *(data.get("stories") or [])]:
            steps.extend((path.name, step) for step in block.get("steps") or [])
    return steps


# --- actions ---


def test_actions_are_found() -> None:
    assert len(action_classes()) >= 13


def test_action_names_are_unique() -> None:
    duplicates = [name for name, n in Counter(implemented_action_names()).items() if n > 1]

    assert duplicates == []


def test_every_implemented_action_is_in_the_domain() -> None:
    missing = sorted(set(implemented_action_names()) - domain_names("actions"))

    assert missing == []


def test_every_custom_domain_action_is_implemented() -> None:
    custom = {
        name
        for name in domain_names("actions")
        if name.startswith("action_") and name not in DEFAULT_ACTION_NAMES
    }

    assert custom
    assert sorted(custom - set(implemented_action_names())) == []


def test_every_default_action_listed_in_the_domain_is_overridden() -> None:
    # Listing a Rasa default in domain.yml tells Rasa to call the action server for it instead.
    overridden = domain_names("actions") & set(DEFAULT_ACTION_NAMES)

    assert sorted(overridden - set(implemented_action_names())) == []


# --- names.py ---


@pytest.mark.parametrize(("constant", "value"), sorted(constants("UTTER_").items()))
def test_utter_constant_is_a_domain_response(constant: str, value: str) -> None:
    assert value in domain_names("responses")


@pytest.mark.parametrize(("constant", "value"), sorted(constants("SLOT_").items()))
def test_slot_constant_is_a_domain_slot(constant: str, value: str) -> None:
    assert value in domain_names("slots")


@pytest.mark.parametrize(("constant", "value"), sorted(constants("INTENT_").items()))
def test_intent_constant_is_a_domain_intent(constant: str, value: str) -> None:
    assert value in domain_names("intents")


@pytest.mark.parametrize(("constant", "value"), sorted(constants("ENTITY_").items()))
def test_entity_constant_is_a_domain_entity(constant: str, value: str) -> None:
    assert value in domain_names("entities")


def test_names_py_has_constants_of_each_kind() -> None:
    for prefix in ("UTTER_", "SLOT_", "INTENT_", "ENTITY_"):
        assert constants(prefix), prefix


# --- training data ---


@pytest.mark.parametrize("intent", sorted(domain_names("intents")))
def test_every_intent_has_enough_examples(intent: str) -> None:
    assert len(examples(NLU_FILES).get(intent, [])) >= MIN_EXAMPLES


def test_training_data_uses_only_domain_intents() -> None:
    assert sorted(set(examples(NLU_FILES)) - domain_names("intents")) == []


def test_heldout_uses_only_domain_intents() -> None:
    heldout = examples([HELDOUT_FILE])

    assert heldout
    assert sorted(set(heldout) - domain_names("intents")) == []


def test_heldout_shares_no_example_with_training_data() -> None:
    training = {_annotation_free(e) for found in examples(NLU_FILES).values() for e in found}
    heldout = {_annotation_free(e) for found in examples([HELDOUT_FILE]).values() for e in found}

    assert sorted(heldout & training) == []


BLIND_NLU_FILES = sorted((PROJECT_ROOT / "tests" / "data" / "blind").glob("nlu_blind_*.yml"))


def test_blind_sets_are_not_copied_into_the_training_data() -> None:
    """Blind sets stay out of data/: compared raw and as the door passes them to Rasa.

    Short everyday phrasings ("say that again", "what happened to Child Z") turn up in any two
    sets written independently, and a few were in data/ before the blind sets existed; copying
    blind lines into training would push the share far above this ceiling.
    """
    from bot.anonymise import anonymise

    training = {_annotation_free(e) for found in examples(NLU_FILES).values() for e in found}
    assert len(BLIND_NLU_FILES) >= 2
    for path in BLIND_NLU_FILES:
        blind = [e for found in examples([path]).values() for e in found]
        long_lines = [line for line in blind if len(line.split()) > 5]
        shared = [
            line
            for line in long_lines
            if _annotation_free(line) in training
            or _annotation_free(anonymise(line).text) in training
        ]
        assert len(blind) >= 400
        # Independent writers share about 5 % of such lines (blind set 5 shares 7 of 132 with
        # lines that were in data/ before it was written); copying would be far above this.
        assert len(shared) / len(long_lines) < 0.08, (path.name, shared)


def test_no_training_example_is_under_two_intents() -> None:
    owner: dict[str, set[str]] = {}
    for intent, found in examples(NLU_FILES).items():
        for example in found:
            owner.setdefault(_annotation_free(example), set()).add(intent)

    assert {text: sorted(i) for text, i in owner.items() if len(i) > 1} == {}


# --- rules and stories ---


def test_every_action_in_rules_and_stories_exists() -> None:
    known = (
        domain_names("actions")
        | domain_names("responses")
        | domain_names("forms")
        | set(DEFAULT_ACTION_NAMES)
    )
    missing = [
        f"{file}: {step['action']}"
        for file, step in dialogue_steps()
        if "action" in step and step["action"] not in known
    ]

    assert missing == []


def test_every_response_in_rules_and_stories_is_in_the_domain() -> None:
    missing = [
        f"{file}: {step['action']}"
        for file, step in dialogue_steps()
        if str(step.get("action", "")).startswith("utter_")
        and step["action"] not in domain_names("responses")
    ]

    assert missing == []


def test_every_intent_in_rules_and_stories_is_in_the_domain() -> None:
    known = domain_names("intents") | RASA_INTENTS
    missing = [
        f"{file}: {step['intent']}"
        for file, step in dialogue_steps()
        if "intent" in step and step["intent"] not in known
    ]

    assert missing == []


def test_every_slot_in_a_response_condition_is_in_the_domain() -> None:
    conditions = [
        condition["name"]
        for variants in (domain().get("responses") or {}).values()
        for variant in variants
        for condition in variant.get("condition") or []
    ]

    assert conditions
    assert sorted(set(conditions) - domain_names("slots")) == []


# --- messages.yml ---


def _render_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "render"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_rendered_message_exists() -> None:
    templates = load_templates()
    missing = [
        f"{relative(path)}: {name}"
        for path in python_files("bot", "actions")
        for name in _render_calls(path)
        if name not in templates
    ]

    assert missing == []


def test_every_message_template_is_used() -> None:
    used = set().union(*(_string_constants(path) for path in python_files("bot", "actions")))

    assert sorted(set(load_templates()) - used) == []


# --- architecture ---


def _rasa_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of rasa or rasa_sdk, at any depth in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found.extend(
            (node.lineno, module)
            for module in modules
            if module.split(".")[0] in {"rasa", "rasa_sdk"}
        )
    return found


def test_only_rasa_ext_imports_rasa() -> None:
    rasa_ext = PROJECT_ROOT / "bot" / "rasa_ext"
    offenders = [
        f"{relative(path)}:{line}: {module}"
        for path in python_files("bot")
        if rasa_ext not in path.parents
        for line, module in _rasa_imports(path)
    ]

    assert offenders == []


def test_the_import_scan_finds_rasa_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os\nimport rasa_sdk.events\nfrom rasa.core import agent\n"
        "from rasaland import x\nfrom . import rasa\n"
        "def f():\n    from rasa import version\n",
        encoding="utf-8",
    )

    assert sorted(_rasa_imports(probe)) == [(2, "rasa_sdk.events"), (3, "rasa.core"), (7, "rasa")]


def _briefing_phrases() -> list[str]:
    pack = load_pack_file(PROJECT_ROOT / "bot" / "content" / "packs" / "esscp-child-z.yml")
    from_pack = [
        *(point.question for point in pack.discussion_points),
        *(item.title for item in pack.key_learning if len(item.title) > 30),
    ]
    return [*BRIEFING_PHRASES, *from_pack]


# The anonymiser's keep-list must name the briefing's labels ("Adult A") so they survive.
LABEL_LISTS = {"bot/anonymise/locations.py", "bot/anonymise/lexicon.py"}


@pytest.mark.parametrize("phrase", _briefing_phrases())
def test_no_briefing_text_in_code(phrase: str) -> None:
    offenders = [
        relative(path)
        for path in python_files("bot", "actions")
        if phrase in path.read_text(encoding="utf-8") and relative(path) not in LABEL_LISTS
    ]

    assert offenders == []


def test_safety_net_fallback_threshold_matches_the_fallback_classifier() -> None:
    """The safety net's downgrade falls back below the same threshold as the classifier."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    by_name = {step["name"]: step for step in config["pipeline"]}
    safety = by_name["bot.rasa_ext.safety_net.SafetyNet"]
    assert safety["fallback_threshold"] == by_name["FallbackClassifier"]["threshold"]


def test_domain_button_payloads_reach_the_user_as_known_payloads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rasa interpolates {slot} in button payloads, so JSON braces are written doubled.

    A single-braced payload still works but makes Rasa log an error with a traceback on every
    use (and costs time); the doubled one must come out exactly as the door expects.
    """
    from rasa.core.nlg.interpolator import interpolate_text

    from bot.rasa_ext import channels
    from tests.settings import make_settings

    # The door from test settings, uncached: never .env, nor a var/secret.key in the checkout.
    monkeypatch.setattr(channels, "server_settings", make_settings)
    door = channels.default_door.__wrapped__()
    for name, variants in domain()["responses"].items():
        for variant in variants:
            for button in variant.get("buttons", []):
                raw = button["payload"]
                payload = interpolate_text(raw, {})
                if "{" in raw:
                    assert "{{" in raw and "{{" not in payload, (name, raw)
                assert payload == raw.replace("{{", "{").replace("}}", "}"), (name, raw)
                assert door.clean_text(payload) == payload, (name, payload)


# --- settings are documented ---


def _settings_read() -> set[str]:
    """Every environment variable Settings reads: the settings table (bot/settings/config.py).

    That the code reads no variable outside the table is tests/bot/settings/test_table.py's job.
    """
    from bot.settings.config import settings_table

    return {spec.env for spec in settings_table()}


def test_the_settings_scan_finds_settings() -> None:
    assert {"REFLECT_SECRET", "ACTION_SERVER_TOKEN", "REQUEST_MAX_BYTES", "VAR_DIR"} <= (
        _settings_read()
    )


@pytest.mark.parametrize("variable", sorted(_settings_read()))
def test_every_setting_is_in_the_readme_table_and_env_example(variable: str) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[
        readme.index("## Configuration") : readme.index(
            "\n## ", readme.index("## Configuration") + 1
        )
    ]
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")

    assert f"`{variable}`" in table
    assert re.search(rf"^#? ?{variable}=", example, re.MULTILINE)
