from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from bot.rasa_ext import lean
from bot.rasa_ext.lean import (
    TENSORFLOW_FREE_COMPONENT_MODULES,
    TRAINING_ONLY_MODULES,
    TrainingOnlyModuleError,
    install_for,
    model_argument,
    model_components,
    tensorflow_free,
)
from bot.settings.config import PROJECT_ROOT

# What config.yml trains (read from a real model's metadata.json), plus our own component.
REFLECT_COMPONENTS = {
    "bot.rasa_ext.safety_net.SafetyNet",
    "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
    "rasa.core.policies.memoization.MemoizationPolicy",
    "rasa.core.policies.rule_policy.RulePolicy",
    "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
    "rasa.graph_components.providers.domain_provider.DomainProvider",
    "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
    "rasa.graph_components.validators.default_recipe_validator.DefaultV1RecipeValidator",
    "rasa.graph_components.validators.finetuning_validator.FinetuningValidator",
    "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
    "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
    "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
    "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer.CountVectorsFeaturizer",
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
}
DIET = "rasa.nlu.classifiers.diet_classifier.DIETClassifier"


def _model(path: Path, components: set[str], *, name: str = "/metadata.json") -> Path:
    """A model archive with just a metadata.json, laid out as Rasa writes it (leading '/')."""
    nodes = {f"node{i}": {"uses": c, "fn": "process"} for i, c in enumerate(sorted(components))}
    metadata = {"train_schema": {"nodes": nodes}, "predict_schema": {"nodes": {}}}
    data = json.dumps(metadata).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def _python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (imports are process-wide: placeholders too)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_model_components_reads_both_graphs_from_the_archive(tmp_path: Path) -> None:
    model = _model(tmp_path / "m.tar.gz", REFLECT_COMPONENTS)

    assert model_components(model) == REFLECT_COMPONENTS


def test_an_archive_without_metadata_is_not_a_model(tmp_path: Path) -> None:
    model = _model(tmp_path / "m.tar.gz", REFLECT_COMPONENTS, name="other.json")

    with pytest.raises(ValueError, match=r"no metadata\.json"):
        model_components(model)


def test_reflects_components_can_be_served_without_tensorflow() -> None:
    assert tensorflow_free(REFLECT_COMPONENTS)


@pytest.mark.parametrize(
    "component",
    [
        DIET,
        "rasa.core.policies.ted_policy.TEDPolicy",
        "rasa.core.policies.unexpected_intent_policy.UnexpecTEDIntentPolicy",
        "rasa.nlu.featurizers.dense_featurizer.lm_featurizer.LanguageModelFeaturizer",
        "somebody_elses.Component",
    ],
)
def test_any_other_component_keeps_tensorflow(component: str) -> None:
    assert not tensorflow_free({*REFLECT_COMPONENTS, component})


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run", "--model", "{model}", "--port", "1"], "{model}"),
        (["run", "-m", "{model}"], "{model}"),
        (["run", "--model={model}"], "{model}"),
        (["run", "--model", "{dir}"], None),
        (["run", "--model", "{dir}/missing.tar.gz"], None),
        (["run", "--port", "5005"], None),
        (["run", "--model"], None),
    ],
)
def test_model_argument_is_only_an_existing_model_file(
    tmp_path: Path, argv: list[str], expected: str | None
) -> None:
    model = _model(tmp_path / "m.tar.gz", REFLECT_COMPONENTS)
    fill = {"model": str(model), "dir": str(tmp_path)}

    found = model_argument([a.format(**fill) for a in argv])

    assert found == (None if expected is None else Path(expected.format(**fill)))


def test_install_for_explains_when_it_leaves_tensorflow_alone(tmp_path: Path) -> None:
    stock = _model(tmp_path / "stock.tar.gz", {*REFLECT_COMPONENTS, DIET})
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar file")
    before = list(sys.meta_path)

    assert "no model file" in install_for(model_argument(["run"]))
    assert "uses TensorFlow-backed components" in install_for(stock)
    assert "cannot read" in install_for(broken)
    assert sys.meta_path == before


def test_a_placeholder_is_never_an_instance_or_a_base_and_refuses_every_use() -> None:
    module = lean._PlaceholderModule("rasa.core.policies.ted_policy")
    ted = module.TEDPolicy

    assert not isinstance(object(), ted)
    assert not issubclass(int, ted)
    with pytest.raises(TrainingOnlyModuleError, match=r"ted_policy\.TEDPolicy .*training-only"):
        ted()
    with pytest.raises(TrainingOnlyModuleError):
        _ = ted.load
    with pytest.raises(TrainingOnlyModuleError):

        class Sub(ted):  # type: ignore[misc,valid-type]
            pass

    assert "not loaded" in repr(ted)


# The server's import path and every allow-listed component, in a fresh interpreter each time.
_IMPORTS = [
    *sorted(TENSORFLOW_FREE_COMPONENT_MODULES),
    "rasa.__main__",
    "rasa.core.agent",
    "rasa.core.run",
    "rasa.core.channels.rest",
    "rasa.core.tracker_store",
    "rasa.core.lock_store",
    "bot.rasa_ext.safety_net",
    "bot.rasa_ext.channels",
    "bot.rasa_ext.teams",
    "bot.rasa_ext.speedups",
]


def test_with_placeholders_the_server_and_every_allowed_component_import_without_tensorflow() -> (
    None
):
    result = _python(
        f"""
        import importlib, sys
        from bot.rasa_ext import lean
        lean.install_placeholders()
        for name in {_IMPORTS!r}:
            importlib.import_module(name)
        placeholders = sorted(m for m in lean.TRAINING_ONLY_MODULES if m in sys.modules)
        print("tensorflow" in sys.modules, placeholders)
        """
    )

    assert result.returncode == 0, result.stderr[-3000:]
    loaded, placeholders = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert loaded == "False"
    assert placeholders != "[]", "the placeholders were never needed: is lean.py still useful?"


def test_without_placeholders_the_same_imports_load_tensorflow() -> None:
    """The control: the test above can fail, and the placeholders are what makes it pass."""
    result = _python(
        """
        import sys
        import rasa.core.agent
        print("tensorflow" in sys.modules)
        """
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_placeholders_must_come_before_the_modules_they_replace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, sorted(TRAINING_ONLY_MODULES)[0], object())
    before = list(sys.meta_path)

    with pytest.raises(RuntimeError, match="too late to keep TensorFlow out"):
        lean.install_placeholders()
    assert sys.meta_path == before
