"""The safety net's rules, read from ``bot/safety/data/`` on first use.

The patterns are data, not code, so that a reviewer can read what each family catches (with an
example that a test checks) without reading the decisions in :mod:`bot.safety.net`. This module
reads the YAML files once, puts each ``{fragment}`` in place, checks every entry (a mistake fails
loudly, naming the file and the entry) and compiles every regex. Nothing is read at import: the
objects :mod:`bot.safety.net` holds at module level (:func:`marker`, :func:`families`,
:func:`family`, :class:`RuleNames`) are handles that load the book on first use.

Files (see the comments at the top of each):

* ``fragments.yml``: building blocks (``child``, ``actor``, ``injury`` ...), used as ``{name}``.
* ``markers.yml``: single patterns the decisions consult by name (present tense, a past anchor).
* ``urgent.yml``: the groups ``urgent`` (live child-protection concerns, in order) and
  ``live_urgent`` (the live-report valve).
* ``distress.yml``: the groups ``crisis`` (the practitioner's own life at risk) and ``distress``.
* ``normalise.yml``: the tables :mod:`bot.safety.normalise` applies before any pattern runs.

A pattern over several lines (a YAML ``|-`` block) is joined with nothing between the lines; a
line may not end with a space, nor a following line start with one, so a break never hides one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar, overload

import yaml

try:  # Python 3.11+ keeps the regex parser here
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_parse as _sre_parse

__all__ = [
    "DATA_DIR",
    "GATE_FROM",
    "Family",
    "FamilyGroup",
    "FamilySpec",
    "Gated",
    "RuleBook",
    "RuleError",
    "RuleNames",
    "book",
    "families",
    "family",
    "load",
    "marker",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

GATE_FROM = 300
"""Texts longer than this (in characters) are checked for a regex's literals before it runs."""

_GROUP_FILES = ("urgent.yml", "distress.yml")
_FAMILY_KEYS = frozenset(
    {"name", "examples", "patterns", "needs_child", "needs_strong_present", "needs_household"}
)
_T = TypeVar("_T")
_REFERENCE = re.compile(r"(?<!\\)\{([a-z_][a-z0-9_]*)\}")


class RuleError(ValueError):
    """A data file is wrong; the message names the file and the entry."""


# --------------------------------------------------------------------------------------------
# What the files hold, checked and compiled
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilySpec:
    """One family as the data gives it, its patterns compiled.

    Attributes:
        name: What ``SafetyAssessment.rule`` reports when the family fires (safe to log).
        patterns: The patterns; any one matching fires the family.
        combined: One regex matching where any of ``patterns`` does (see :class:`Family`).
        examples: Texts the family fires on (checked by the tests, never used at run time).
        needs_child: Also needs a child mentioned somewhere in the message.
        needs_strong_present: Only counts with explicit "now" framing.
        needs_household: Needs a child, a parent or a family mentioned in the message.
    """

    name: str
    patterns: tuple[re.Pattern[str], ...]
    combined: re.Pattern[str]
    examples: tuple[str, ...] = ()
    needs_child: bool = False
    needs_strong_present: bool = False
    needs_household: bool = False


@dataclass(frozen=True)
class RuleBook:
    """Everything in ``bot/safety/data/``, checked and compiled.

    Attributes:
        fragments: Each fragment with its own references put in place.
        markers: The marker patterns, by name.
        groups: The families of each group (``urgent``, ``live_urgent``, ``crisis``,
            ``distress``), in file order.
        quotes: A ``str.translate`` table folding curly quotes and dashes.
        contractions: (pattern, replacement) pairs applied while apostrophes are still there.
        word_fixes: Whole-word typos and text-speak, to their canonical form.
        multi_fixes: (pattern, replacement) pairs applied after the word fixes.
    """

    fragments: Mapping[str, str]
    markers: Mapping[str, re.Pattern[str]]
    groups: Mapping[str, tuple[FamilySpec, ...]]
    quotes: Mapping[int, str]
    contractions: tuple[tuple[re.Pattern[str], str], ...]
    word_fixes: Mapping[str, str]
    multi_fixes: tuple[tuple[re.Pattern[str], str], ...]


@cache
def book() -> RuleBook:
    """The rules in ``bot/safety/data/``, read and compiled once, on first use."""
    return load(DATA_DIR)


def load(data_dir: Path) -> RuleBook:
    """Read, check and compile the rule files in ``data_dir``.

    Raises:
        RuleError: A file is missing or malformed, a pattern names an unknown fragment or does
            not compile; the message names the file and the entry.
    """
    fragments = _Fragments(_mapping(_read(data_dir, "fragments.yml"), "fragments", "fragments.yml"))
    markers = {}
    for name, text in _mapping(_read(data_dir, "markers.yml"), "markers", "markers.yml").items():
        where = f"markers.yml: marker {name!r}"
        markers[name] = _compile(fragments.expand(_pattern(text, where), where), where)
    groups: dict[str, tuple[FamilySpec, ...]] = {}
    for file in _GROUP_FILES:
        data = _read(data_dir, file)
        if not isinstance(data, dict):
            raise RuleError(f"{file}: expected groups of families (group: [family, ...])")
        for group, entries in data.items():
            if group in groups:
                raise RuleError(f"{file}: group {group!r} is defined twice")
            if not isinstance(entries, list) or not entries:
                raise RuleError(f"{file}: group {group!r} should be a list of families")
            groups[group] = tuple(_family_spec(entry, f"{file}", fragments) for entry in entries)
    tables = _read(data_dir, "normalise.yml")
    quotes = _mapping(tables, "quotes", "normalise.yml")
    if not all(isinstance(k, str) and len(k) == 1 for k in quotes):
        raise RuleError("normalise.yml: quotes: each key should be one character")
    return RuleBook(
        fragments=fragments.expanded(),
        markers=markers,
        groups=groups,
        quotes=str.maketrans(_strings(quotes, "normalise.yml: quotes")),
        contractions=_substitutions(tables, "contractions", fragments),
        word_fixes=_strings(_mapping(tables, "word_fixes", "normalise.yml"), "word_fixes"),
        multi_fixes=_substitutions(tables, "multi_fixes", fragments),
    )


# libyaml's loader reads the files in a few milliseconds; the pure-Python one takes ~100 ms.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(data_dir: Path, name: str) -> Any:
    path = data_dir / name
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as error:
        raise RuleError(f"{name}: cannot read it ({error})") from error


def _mapping(data: Any, key: str, file: str) -> dict[Any, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, dict):
        raise RuleError(f"{file}: expected a mapping under {key!r}")
    return value


def _strings(table: dict[Any, Any], where: str) -> dict[str, str]:
    """A str -> str table; a YAML surprise (``no`` read as False, ``2`` as a number) is an error."""
    for key, value in table.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise RuleError(f"{where}: {key!r}: {value!r} should be text on both sides (quote it)")
    return table


def _pattern(value: Any, where: str) -> str:
    """One pattern's text, its lines joined with nothing between them."""
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: a pattern should be non-empty text, not {value!r}")
    lines = value.rstrip("\n").split("\n")
    for number, line in enumerate(lines, 1):
        if number < len(lines) and line != line.rstrip():
            raise RuleError(f"{where}: line {number} ends with a space, which a break would hide")
        if number > 1 and line != line.lstrip():
            raise RuleError(f"{where}: line {number} starts with a space, which a break would hide")
    return "".join(lines)


def _compile(source: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except re.error as error:
        raise RuleError(f"{where}: does not compile: {error}") from error


class _Fragments:
    """The fragments, each expanded on first reference (a cycle is an error)."""

    def __init__(self, raw: dict[Any, Any]) -> None:
        self._raw = raw
        self._done: dict[str, str] = {}
        self._open: list[str] = []

    def expand(self, text: str, where: str) -> str:
        """``text`` with every ``{name}`` replaced by that fragment's (expanded) text."""
        return _REFERENCE.sub(lambda m: self._fragment(m.group(1), where), text)

    def expanded(self) -> dict[str, str]:
        return {name: self._fragment(name, "fragments.yml") for name in self._raw}

    def _fragment(self, name: str, where: str) -> str:
        if name in self._done:
            return self._done[name]
        if name not in self._raw:
            raise RuleError(f"{where}: unknown fragment {{{name}}} (not in fragments.yml)")
        if name in self._open:
            cycle = " -> ".join([*self._open[self._open.index(name) :], name])
            raise RuleError(f"fragments.yml: fragments refer to each other in a loop: {cycle}")
        self._open.append(name)
        here = f"fragments.yml: fragment {name!r}"
        self._done[name] = self.expand(_pattern(self._raw[name], here), here)
        self._open.pop()
        return self._done[name]


def _family_spec(entry: Any, file: str, fragments: _Fragments) -> FamilySpec:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise RuleError(f"{file}: each family needs a name (got {entry!r:.80})")
    name = entry["name"]
    where = f"{file}: family {name!r}"
    unknown = set(entry) - _FAMILY_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {sorted(unknown)}")
    raw = entry.get("patterns")
    if not isinstance(raw, list) or not raw:
        raise RuleError(f"{where}: needs a non-empty list of patterns")
    sources = [
        fragments.expand(_pattern(text, f"{where}, pattern {n}"), f"{where}, pattern {n}")
        for n, text in enumerate(raw, 1)
    ]
    examples = entry.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise RuleError(f"{where}: examples should be a list of texts")
    flags = {key: entry.get(key, False) for key in _FAMILY_KEYS if key.startswith("needs_")}
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise RuleError(f"{where}: {key} should be true or false")
    return FamilySpec(
        name=name,
        patterns=tuple(_compile(s, f"{where}, pattern {n}") for n, s in enumerate(sources, 1)),
        # One regex for the family: a family is asked one question ("does any of these
        # match?"), so one search does the work of several without a Python call per pattern.
        combined=_compile("|".join(f"(?:{s})" for s in sources), where),
        examples=tuple(examples),
        **flags,
    )


def _substitutions(
    tables: Any, key: str, fragments: _Fragments
) -> tuple[tuple[re.Pattern[str], str], ...]:
    entries = tables.get(key) if isinstance(tables, dict) else None
    if not isinstance(entries, list):
        raise RuleError(f"normalise.yml: expected a list of [pattern, replacement] under {key!r}")
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"normalise.yml: {key}, entry {n}"
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], str)):
            raise RuleError(f"{where}: should be [pattern, replacement]")
        out.append((_compile(fragments.expand(_pattern(entry[0], where), where), where), entry[1]))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# A literal prefilter, so most regexes never scan most texts
# --------------------------------------------------------------------------------------------
#
# Every match of a pattern contains at least one of its *required literals*: worked out once
# from the parsed pattern (a run of literal characters every match passes through; for an
# alternation, one from each branch). When none of them is in the text the regex cannot match,
# so it is not run. ``in`` on a string is a fast C scan, and a typical message contains the
# literals of only a few families; an adversarial text has to carry every family's words to make
# every regex run, which dilutes the repeats that make each one slow.

_LITERAL = _sre_parse.LITERAL
_SUBPATTERN = _sre_parse.SUBPATTERN
_BRANCH = _sre_parse.BRANCH
_REPEATS = (_sre_parse.MAX_REPEAT, _sre_parse.MIN_REPEAT)


def _stronger(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether literal set ``a`` is the better filter: longer shortest literal, then fewer."""
    return (min(map(len, a)), -len(a)) > (min(map(len, b)), -len(b))


def _required_literals(items: Any) -> frozenset[str] | None:
    """Literals of which every match of the parsed sequence ``items`` contains one (or None)."""
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(found: frozenset[str] | None) -> None:
        nonlocal best
        if found and (best is None or _stronger(found, best)):
            best = found

    for op, av in items:
        if op is _LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider(frozenset(["".join(run)]))
            run = []
        if op is _SUBPATTERN:
            consider(_required_literals(av[-1]))
        elif op is _BRANCH:
            branches = [_required_literals(branch) for branch in av[1]]
            if all(branches):
                consider(frozenset().union(*(b for b in branches if b)))
        elif op in _REPEATS and av[0] >= 1:
            consider(_required_literals(av[2]))
        # Anything else (a boundary, a class, a lookaround, an optional repeat) requires no
        # particular literal.
    if run:
        consider(frozenset(["".join(run)]))
    return best


class Gated:
    """A regex that is only run on a long text when the text holds one of its required literals.

    Made from a function that returns the compiled pattern, called on first use: a module can
    hold a ``Gated`` at import without reading any data.
    """

    def __init__(self, pattern: Callable[[], re.Pattern[str]]) -> None:
        self._pattern = pattern

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The compiled regex."""
        return self._pattern()

    @cached_property
    def literals(self) -> frozenset[str] | None:
        """Strings of which every match contains one (None: no such set)."""
        return _required_literals(_sre_parse.parse(self.pattern.pattern))

    def search(self, text: str) -> re.Match[str] | None:
        """``pattern.search(text)``, skipped on a long text that lacks every required literal."""
        # On a short text the regex is quicker than looking for each literal.
        if (
            len(text) > GATE_FROM
            and self.literals is not None
            and not any(lit in text for lit in self.literals)
        ):
            return None
        return self.pattern.search(text)


def _given(value: _T) -> Callable[[], _T]:
    """A function that returns ``value``: for a handle whose part is already loaded."""
    return lambda: value


def marker(name: str) -> Gated:
    """The marker ``name`` in ``markers.yml``, read on first use."""

    def pattern() -> re.Pattern[str]:
        try:
            return book().markers[name]
        except KeyError:
            raise RuleError(f"markers.yml: no marker {name!r}") from None

    return Gated(pattern)


# --------------------------------------------------------------------------------------------
# Families
# --------------------------------------------------------------------------------------------


class Family:
    """A named group of patterns; ``name`` is what ``SafetyAssessment.rule`` reports.

    Its parts are read from the data on first use and then kept, so reading one costs what an
    attribute of a plain object does.
    """

    def __init__(self, name: str, spec: Callable[[], FamilySpec]) -> None:
        self.name = name
        self._spec = spec

    @cached_property
    def patterns(self) -> tuple[Gated, ...]:
        """Each pattern on its own (for a long text, where each is gated by its literals)."""
        return tuple(Gated(_given(p)) for p in self._spec().patterns)

    @cached_property
    def combined(self) -> Gated:
        """One regex for the whole family (for a short text, one search instead of several)."""
        return Gated(_given(self._spec().combined))

    @cached_property
    def examples(self) -> tuple[str, ...]:
        """Texts the family fires on."""
        return self._spec().examples

    @cached_property
    def needs_child(self) -> bool:
        """Also needs a child mentioned somewhere in the message."""
        return self._spec().needs_child

    @cached_property
    def needs_strong_present(self) -> bool:
        """Only counts with explicit "now" framing."""
        return self._spec().needs_strong_present

    @cached_property
    def needs_household(self) -> bool:
        """Needs a child, a parent or a family mentioned in the message."""
        return self._spec().needs_household

    def __repr__(self) -> str:
        return f"Family({self.name!r})"


class FamilyGroup(Sequence[Family]):
    """The families of one group in the data, in file order, read on first use."""

    def __init__(self, group: str) -> None:
        self.group = group

    @cached_property
    def _families(self) -> tuple[Family, ...]:
        return tuple(Family(spec.name, _given(spec)) for spec in _group(self.group))

    @overload
    def __getitem__(self, index: int) -> Family: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Family]: ...

    def __getitem__(self, index: int | slice) -> Family | Sequence[Family]:
        return self._families[index]

    def __len__(self) -> int:
        return len(self._families)

    def __iter__(self) -> Iterator[Family]:
        return iter(self._families)


def families(group: str) -> FamilyGroup:
    """The families of ``group`` (``urgent``, ``live_urgent``, ``crisis``, ``distress``)."""
    return FamilyGroup(group)


def family(group: str, name: str) -> Family:
    """The one family called ``name`` in ``group``."""

    def spec() -> FamilySpec:
        found = [s for s in _group(group) if s.name == name]
        if len(found) != 1:
            raise RuleError(f"group {group!r}: {len(found)} families called {name!r}, not one")
        return found[0]

    return Family(name, spec)


def _group(group: str) -> tuple[FamilySpec, ...]:
    try:
        return book().groups[group]
    except KeyError:
        raise RuleError(f"no group {group!r} in {' or '.join(_GROUP_FILES)}") from None


class RuleNames(AbstractSet[str]):
    """A set of rule names, worked out (from the data) on first use."""

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        self._names_of = names

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(self._names_of())

    @classmethod
    def _from_iterable(cls, it: Iterable[_T]) -> frozenset[_T]:
        # What ``&``, ``|`` and ``-`` build: a plain frozenset.
        return frozenset(it)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"RuleNames({sorted(self._names)!r})"
