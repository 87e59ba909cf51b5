"""Tests for the safety net's rule loader (bot/safety/rules.py) and the data it reads."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.safety import net
from bot.safety.net import SafetyAssessment, assess, normalise
from bot.safety.rules import (
    DATA_DIR,
    FamilySpec,
    Gated,
    RuleError,
    RuleNames,
    book,
    families,
    family,
    load,
    marker,
)

GROUPS = ("urgent", "live_urgent", "crisis", "distress")


def _all_families() -> list[tuple[str, FamilySpec]]:
    return [(group, spec) for group in GROUPS for spec in book().groups[group]]


# --- the real data --------------------------------------------------------------------------


def test_the_data_has_the_four_groups() -> None:
    assert sorted(book().groups) == sorted(GROUPS)
    assert [f.name for f in families("crisis")] == ["practitioner_crisis"]


def test_every_family_has_an_example_that_fires_it() -> None:
    missing = [f"{group}:{spec.name}" for group, spec in _all_families() if not spec.examples]
    assert missing == [], "give each family an example it fires on (examples: [...])"
    silent = [
        (f"{group}:{spec.name}", example)
        for group, spec in _all_families()
        for example in spec.examples
        if spec.combined.search(normalise(example)) is None
    ]
    assert silent == []


def test_every_example_is_answered_with_its_family() -> None:
    """An example shows what its family answers: no earlier family takes it and nothing
    downgrades it. (The live_urgent valve only runs when no family fires, so its examples are
    only checked to fire.)"""
    answered = [
        (f"{group}:{spec.name}", example, assess(example).rule)
        for group, spec in _all_families()
        if group != "live_urgent"
        for example in spec.examples
        if assess(example).rule != spec.name
    ]
    assert answered == []


def test_every_marker_in_the_data_is_used_and_every_handle_resolves() -> None:
    handles = [value for value in vars(net).values() if isinstance(value, Gated)]
    used = {handle.pattern.pattern for handle in handles}
    unused = [name for name, p in book().markers.items() if p.pattern not in used]
    assert unused == [], "markers.yml has markers that bot/safety/net.py never consults"


def test_an_unknown_marker_fails_on_first_use_naming_it() -> None:
    handle = marker("no_such_marker")  # making the handle reads nothing
    with pytest.raises(RuleError, match="no marker 'no_such_marker'"):
        handle.search("text")


def test_a_family_by_name_must_be_unique() -> None:
    assert family("distress", "distress_own_case").needs_child is False
    with pytest.raises(RuleError, match="2 families called 'child_alone_or_missing'"):
        _ = family("urgent", "child_alone_or_missing").combined


def test_the_rule_name_sets_behave_as_sets() -> None:
    names = RuleNames(lambda: ["a", "b"])
    assert "a" in names and "c" not in names and len(names) == 2
    assert names == {"a", "b"} and (names | {"c"}) == {"a", "b", "c"}
    assert isinstance(names & frozenset({"a"}), frozenset)
    assert "practitioner_crisis" in net.DISTRESS_RULES
    assert "young_child_found_alone" in net.URGENT_RULES


def test_nothing_is_read_at_import() -> None:
    code = (
        "import bot.safety.net, bot.safety.concern_check, bot.rasa_ext.safety_net as _;"
        "from bot.safety.rules import book;"
        "assert book.cache_info().currsize == 0, 'read at import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[3])


def test_the_first_assessment_reads_the_book_once() -> None:
    assert isinstance(assess("a boy says he is scared to go home tonight"), SafetyAssessment)
    assert book() is book()


# --- mistakes in the data fail loudly --------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the real data files to break."""
    for path in DATA_DIR.glob("*.yml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _family(name: str, *patterns: str, extra: str = "") -> str:
    lines = "".join(f"      - '{p}'\n" for p in patterns)
    return f"  - name: {name}\n{extra}    patterns:\n{lines}"


def test_the_real_data_loads_from_a_copy(data: Path) -> None:
    assert load(data) == book()


def test_an_unknown_fragment_names_the_family(data: Path) -> None:
    _append(data / "urgent.yml", _family("my_new_family", r"\b{chidl}\b"))
    with pytest.raises(RuleError) as error:
        load(data)
    message = str(error.value)
    assert "urgent.yml: family 'my_new_family', pattern 1" in message
    assert "unknown fragment {chidl}" in message


def test_an_unknown_fragment_in_a_marker_names_the_marker(data: Path) -> None:
    _append(data / "markers.yml", "  my_marker: '{nope}'\n")
    expected = r"markers.yml: marker 'my_marker': unknown fragment \{nope\}"
    with pytest.raises(RuleError, match=expected):
        load(data)


def test_fragments_in_a_loop_are_an_error(data: Path) -> None:
    _append(data / "fragments.yml", "  loop_a: 'x{loop_b}'\n  loop_b: 'y{loop_a}'\n")
    with pytest.raises(RuleError, match="loop: loop_a -> loop_b -> loop_a"):
        load(data)


def test_a_pattern_that_does_not_compile_names_the_family(data: Path) -> None:
    _append(data / "distress.yml", _family("distress_broken", r"\bfine\b", r"(?:unclosed"))
    with pytest.raises(RuleError, match="family 'distress_broken', pattern 2: does not compile"):
        load(data)


def test_a_misspelt_gate_names_the_family(data: Path) -> None:
    _append(data / "urgent.yml", _family("gated", r"\bx\b", extra="    need_child: true\n"))
    with pytest.raises(RuleError, match=r"family 'gated': unknown key\(s\) \['need_child'\]"):
        load(data)


def test_a_line_ending_in_a_space_is_an_error(data: Path) -> None:
    _append(data / "markers.yml", "  spaced: |-\n    \\bone \n    |two\\b\n")
    with pytest.raises(RuleError, match="marker 'spaced': line 1 ends with a space"):
        load(data)


def test_a_word_fix_yaml_reads_as_a_boolean_is_an_error(data: Path) -> None:
    text = (data / "normalise.yml").read_text(encoding="utf-8")
    (data / "normalise.yml").write_text(
        text.replace("word_fixes:\n", "word_fixes:\n  yes: yeah\n"), encoding="utf-8"
    )
    with pytest.raises(RuleError, match="should be text on both sides"):
        load(data)


def test_an_escaped_brace_is_not_a_fragment(data: Path) -> None:
    _append(data / "markers.yml", "  braces: '\\{child\\}'\n")
    assert load(data).markers["braces"].pattern == r"\{child\}"


def test_a_multi_line_pattern_is_joined_as_it_stands() -> None:
    assert book().fragments["self"] == "(?:him|her|them)sel(?:f|ves)|themself"
    assert "\n" not in "".join(book().fragments.values())
    assert all(re.search(r"\{[a-z_]+\}", f) is None for f in book().fragments.values())
