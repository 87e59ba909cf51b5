"""Tests for bot.anonymise.names: find_names and its rule trace, and the order of the name modules.

The rules themselves, their examples and the README's list of them: test_name_rules.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bench.evaluate_anonymiser import load_devset
from bot.anonymise import detect
from bot.anonymise.core import detect_with_rules
from bot.anonymise.locations import protected_ranges
from bot.anonymise.names import RuleHit, find_names

DATA = Path(__file__).resolve().parents[2] / "data"
PACKAGE = Path(__file__).resolve().parents[3] / "bot" / "anonymise"
# The name layer's modules in reading order: each may import only the ones before it.
NAME_MODULES = ("name_words", "name_evidence", "name_rules", "names")


def test_rule_hits_refer_to_the_original_text() -> None:
    text = "\u200bSpoke to\u00a0mum Zo\u0308e Okafor"  # invisible char, NBSP, combining accent
    spans, hits = detect_with_rules(text)
    assert spans == detect(text)
    named = {text[h.start : h.end]: h.rule for h in hits if h.name}
    assert named == {"Zo\u0308e": "known_first_name", "Okafor": "surname_not_a_word"}


def test_tracing_changes_nothing() -> None:
    texts = [
        ex.text
        for name in ("anonymisation_dev.txt", "anonymisation_heldout.txt")
        for ex in load_devset(DATA / name)
    ]
    for text in texts:
        spans, hits = detect_with_rules(text)
        assert spans == detect(text), text
        protected = protected_ranges(text)
        trace: list[RuleHit] = []
        assert find_names(text, protected, [], trace) == find_names(text, protected, [])
        assert all(0 <= h.start < h.end <= len(text) for h in hits)


def _name_modules_imported(path: Path) -> set[str]:
    """The name modules a module imports, in any form ("from bot.anonymise import names" too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    prefix = "bot.anonymise."
    return {name[len(prefix) :] for name in found if name.startswith(prefix)} & set(NAME_MODULES)


def test_each_name_module_imports_only_the_ones_before_it() -> None:
    """No cycle inside the name layer, and a newcomer can read it front to back."""
    assert sorted(p.stem for p in PACKAGE.glob("name*.py")) == sorted(NAME_MODULES)
    for i, module in enumerate(NAME_MODULES):
        imported = _name_modules_imported(PACKAGE / f"{module}.py")
        assert imported <= set(NAME_MODULES[:i]), (module, sorted(imported - set(NAME_MODULES[:i])))


def test_the_import_scan_finds_every_form_of_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import re\nfrom bot.anonymise.name_rules import NAME_RULES\n"
        "from bot.anonymise import names, spans\nimport bot.anonymise.name_words\n"
        "def f():\n    from bot.anonymise.name_evidence import _Ctx\n",
        encoding="utf-8",
    )
    assert _name_modules_imported(probe) == set(NAME_MODULES)
