"""Keep TensorFlow out of the Rasa server when the model never runs a TensorFlow component.

Measured (`make bench`, bench/README.md): importing TensorFlow costs a Rasa server process about
440 MB of its 570 MB resident memory and 2.5 s of its start-up, yet Reflect's model (sparse
features, logistic regression, rule and memoisation policies) never calls it. It is imported
only because five training-time modules are on the import path of everything:

- ``rasa.core.agent`` → ``rasa.core.policies.policy`` → … → ``rasa.utils.train_utils`` imports
  the Keras training callbacks (``rasa.utils.tensorflow.callback``) and batch generator
  (``rasa.utils.tensorflow.data_generator``), used only inside its training functions;
- loading any model's metadata imports ``DefaultV1RecipeValidator`` (a node of every training
  graph), which imports ``DIETClassifier``, ``ResponseSelector`` and ``TEDPolicy`` only to check
  a config before training.

So, in the Rasa server only (``bot/rasa_ext/serve.py``), and only when every component of the
model's graphs is in :data:`TENSORFLOW_FREE_COMPONENT_MODULES` or is ours, those five modules
are replaced by placeholders. A name taken from a placeholder answers ``isinstance`` and
``issubclass`` with ``False`` (nothing in a process that never loaded the class can be one) and
raises :class:`TrainingOnlyModuleError` on any other use, so a wrong guess fails loudly instead of
misbehaving. Any other model (for example stock DIET + TED) loads exactly as Rasa would.
Training, ``rasa test`` and the action server never use this.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import sys
import tarfile
import types
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

#: The training-only Rasa modules that import TensorFlow on the serving import path (above).
TRAINING_ONLY_MODULES: frozenset[str] = frozenset(
    {
        "rasa.utils.tensorflow.callback",
        "rasa.utils.tensorflow.data_generator",
        "rasa.nlu.classifiers.diet_classifier",
        "rasa.nlu.selectors.response_selector",
        "rasa.core.policies.ted_policy",
    }
)

#: Rasa 3.6 component modules that import nothing of TensorFlow once the placeholders are in
#: place (tests/bot/rasa_ext/test_lean.py imports each in a fresh interpreter to prove it). A
#: model using any other Rasa component is served the normal way.
TENSORFLOW_FREE_COMPONENT_MODULES: frozenset[str] = frozenset(
    {
        "rasa.core.policies.ensemble",
        "rasa.core.policies.memoization",
        "rasa.core.policies.rule_policy",
        "rasa.graph_components.converters.nlu_message_converter",
        "rasa.graph_components.providers.domain_for_core_training_provider",
        "rasa.graph_components.providers.domain_provider",
        "rasa.graph_components.providers.forms_provider",
        "rasa.graph_components.providers.nlu_training_data_provider",
        "rasa.graph_components.providers.responses_provider",
        "rasa.graph_components.providers.rule_only_provider",
        "rasa.graph_components.providers.story_graph_provider",
        "rasa.graph_components.providers.training_tracker_provider",
        "rasa.graph_components.validators.default_recipe_validator",
        "rasa.graph_components.validators.finetuning_validator",
        "rasa.nlu.classifiers.fallback_classifier",
        "rasa.nlu.classifiers.logistic_regression_classifier",
        "rasa.nlu.classifiers.regex_message_handler",
        "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer",
        "rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer",
        "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer",
        "rasa.nlu.tokenizers.whitespace_tokenizer",
        "rasa.nlu.extractors.regex_entity_extractor",
        "rasa.nlu.extractors.entity_synonyms",
    }
)

#: Our own components live here; they must not import TensorFlow (the e2e tests check the
#: running server's memory maps).
OWN_PACKAGE = "bot."


class TrainingOnlyModuleError(RuntimeError):
    """A placeholder for a training-only module was used in the Rasa server."""


class _Placeholder:
    """Stands for a class or function of a training-only module that was not loaded."""

    def __init__(self, module: str, name: str) -> None:
        self._where = f"{module}.{name}"

    def _refuse(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise TrainingOnlyModuleError(
            f"{self._where} is a training-only TensorFlow component that this Rasa server did "
            "not load (bot/rasa_ext/lean.py). The model should not need it: serve it with "
            "`python -m rasa run` or add its components to TENSORFLOW_FREE_COMPONENT_MODULES "
            "only after checking they never import TensorFlow."
        )

    __call__ = _refuse

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        self._refuse()

    def __mro_entries__(self, _bases: tuple[Any, ...]) -> NoReturn:
        self._refuse()

    def __instancecheck__(self, _instance: object) -> bool:
        return False

    def __subclasscheck__(self, _subclass: type) -> bool:
        return False

    def __repr__(self) -> str:
        return f"<not loaded: {self._where}>"


class _PlaceholderModule(types.ModuleType):
    """A module whose every public name is a :class:`_Placeholder`."""

    def __getattr__(self, name: str) -> _Placeholder:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _Placeholder(self.__name__, name)


class _PlaceholderFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers imports of :data:`TRAINING_ONLY_MODULES` with placeholder modules."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in TRAINING_ONLY_MODULES:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin="reflect-placeholder")

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _PlaceholderModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the names are made on demand."""


def model_components(model: Path) -> set[str]:
    """The dotted class paths of every node in a trained model's training and predict graphs.

    Read from the archive's ``metadata.json`` without importing Rasa (and so TensorFlow).
    """
    with tarfile.open(model, "r:gz") as archive:
        for member in archive.getmembers():
            if member.name.lstrip("/") == "metadata.json":
                handle = archive.extractfile(member)
                if handle is None:
                    break
                metadata = json.load(handle)
                return {
                    node["uses"]
                    for schema in ("train_schema", "predict_schema")
                    for node in metadata.get(schema, {}).get("nodes", {}).values()
                }
    raise ValueError(f"{model} has no metadata.json: is it a Rasa model?")


def tensorflow_free(components: Iterable[str]) -> bool:
    """Whether a model made of ``components`` (dotted class paths) can be served without TF."""
    for component in components:
        module = component.rpartition(".")[0]
        if not (module.startswith(OWN_PACKAGE) or module in TENSORFLOW_FREE_COMPONENT_MODULES):
            return False
    return True


def option_value(argv: Sequence[str], *names: str) -> str | None:
    """The value of the first of ``names`` (``--opt VALUE`` or ``--opt=VALUE``) in ``argv``."""
    for index, arg in enumerate(argv):
        if arg in names and index + 1 < len(argv):
            return argv[index + 1]
        for name in names:
            if name.startswith("--") and arg.startswith(f"{name}="):
                return arg.removeprefix(f"{name}=")
    return None


def model_argument(argv: Sequence[str]) -> Path | None:
    """The model archive named by ``--model``/``-m`` in a ``rasa run`` command line, if a file."""
    value = option_value(argv, "--model", "-m")
    if value is None:
        return None
    path = Path(value)
    return path if path.is_file() else None


def install_placeholders() -> None:
    """Put the placeholder finder first on ``sys.meta_path`` (before anything imports Rasa)."""
    if any(isinstance(finder, _PlaceholderFinder) for finder in sys.meta_path):
        return
    loaded = TRAINING_ONLY_MODULES.intersection(sys.modules)
    if loaded:
        raise RuntimeError(f"too late to keep TensorFlow out: {sorted(loaded)} already imported")
    sys.meta_path.insert(0, _PlaceholderFinder())


def install_for(model: Path | None) -> str:
    """Install the placeholders if ``model`` (from :func:`model_argument`) allows it.

    Returns one line saying what was done and why, for the server to print at start-up (Rasa
    has not configured logging yet at this point).
    """
    if model is None:
        return "TensorFlow stays importable: no model file on the command line"
    try:
        components = model_components(model)
    except (OSError, ValueError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        return f"TensorFlow stays importable: cannot read {model} ({error})"
    if not tensorflow_free(components):
        return f"TensorFlow stays importable: {model.name} uses TensorFlow-backed components"
    install_placeholders()
    return f"Serving {model.name} without TensorFlow (none of its components uses it)"
