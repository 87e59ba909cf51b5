"""Load and validate briefing content packs.

Errors name the file, the path inside it and what is wrong, because the people who edit packs
are safeguarding staff, not developers: "esscp-child-z.yml: discussion.points[2].links[0]:
unknown link id 'spoa'" is actionable, a KeyError is not. Each rule also says how to put it
right (``PackError.fix``), which ``reflect packs validate`` prints.

The rules live here once. The running bot reads a pack strictly (the first problem raises
:class:`PackError`); :func:`collect_problems` reads it with the same rules but keeps going,
each field and each list item in its own guard, so an author sees every problem at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import yaml

from bot.content.schema import (
    About,
    ActionTakenItem,
    DiscussionPoint,
    KeyLearning,
    Link,
    LinkKind,
    Pack,
    Recommendation,
    StaffSupport,
    UrgentContact,
    UrgentHelp,
)

SUPPORTED_SCHEMA = 1
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
T = TypeVar("T")


class PackError(ValueError):
    """A content pack is invalid; the message names the file, the field and the problem.

    ``path``, ``problem`` and ``fix`` are the parts, so ``reflect packs validate`` can add a
    plain-English fix without the running bot's messages changing.
    """

    def __init__(
        self, message: str, *, file: str = "", path: str = "", problem: str = "", fix: str = ""
    ) -> None:
        super().__init__(message)
        self.file = file
        self.path = path
        self.problem = problem or message
        self.fix = fix


@dataclass
class _Collector:
    """What a collecting read found, and which keys each mapping was asked for."""

    problems: list[PackError] = field(default_factory=list)
    asked: dict[str, set[str]] = field(default_factory=dict)
    mappings: dict[str, dict[Any, Any]] = field(default_factory=dict)

    def add(self, error: PackError) -> None:
        # A non-mapping item fails once per field read from it: say it once.
        if not any(
            (seen.path, seen.problem) == (error.path, error.problem) for seen in self.problems
        ):
            self.problems.append(error)

    def ask(self, path: str, mapping: dict[Any, Any], key: str) -> None:
        self.mappings[path] = mapping
        self.asked.setdefault(path, set()).add(key)


class _Node:
    """A position in the parsed YAML that knows its own path, for error messages.

    With a collector, :meth:`guard` records a problem and carries on with a stand-in value;
    without one (the running bot), the first problem raises.
    """

    def __init__(
        self, file: str, path: str, value: Any, collector: _Collector | None = None
    ) -> None:
        self.file = file
        self.path = path
        self.value = value
        self.collector = collector

    def fail(self, problem: str, fix: str = "") -> PackError:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return PackError(
            f"{where}: {problem}", file=self.file, path=self.path, problem=problem, fix=fix
        )

    def guard(self, parse: Callable[[], T], fallback: T) -> T:
        """``parse()``; when collecting, a problem is recorded and ``fallback`` used instead."""
        if self.collector is None:
            return parse()
        try:
            return parse()
        except PackError as error:
            self.collector.add(error)
            return fallback

    def mark(self) -> int:
        """How many problems are recorded so far (see :meth:`numbers_damaged_since`)."""
        return 0 if self.collector is None else len(self.collector.problems)

    def numbers_damaged_since(self, mark: int) -> bool:
        """Whether an item's ``number`` (or the item itself) failed after ``mark``.

        The numbering check across the list is skipped then: it would only repeat that problem.
        """
        if self.collector is None:
            return False
        item = re.compile(rf"{re.escape(self.path)}\[\d+\](\.number)?")
        return any(item.fullmatch(error.path) for error in self.collector.problems[mark:])

    def _path_to(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def _path_node(self, key: str) -> _Node:
        """A node for ``key`` that only knows its path (for a problem with the key itself)."""
        return _Node(self.file, self._path_to(key), None)

    def child(self, key: str | int) -> _Node:
        path = self._path_to(key)
        if isinstance(key, int):
            return _Node(self.file, path, self.value[key], self.collector)
        if not isinstance(self.value, dict):
            raise self.fail(
                "expected a mapping",
                "write its fields on the lines below it, indented, one `name: value` a line",
            )
        if self.collector is not None:
            self.collector.ask(self.path, self.value, key)
        if key not in self.value:
            where = f" to {self.path}" if self.path else ""
            raise _Node(self.file, path, None).fail(
                "is required but missing", f"add a `{key}:` line{where}"
            )
        return _Node(self.file, path, self.value[key], self.collector)

    def optional(self, key: str, default: Any) -> _Node:
        if isinstance(self.value, dict):
            if self.collector is not None:
                self.collector.ask(self.path, self.value, key)
            if key in self.value and self.value[key] is not None:
                return self.child(key)
        return _Node(self.file, self._path_to(key), default, self.collector)

    def field(self, key: str, parse: Callable[[_Node], T], fallback: T) -> T:
        """A required field, read by ``parse`` (guarded)."""
        return self.guard(lambda: parse(self.child(key)), fallback)

    def optional_field(self, key: str, default: Any, parse: Callable[[_Node], T], fallback: T) -> T:
        """An optional field (``default`` when absent or null), read by ``parse`` (guarded)."""
        return self.guard(lambda: parse(self.optional(key, default)), fallback)

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.fail("must be non-empty text", "write the text: it must not be blank")
        return self.value.strip()

    def prose(self) -> str:
        """Text whose paragraphs survive as Markdown paragraphs.

        YAML folded blocks turn a blank line into a single newline, which Markdown would join
        back into one paragraph; doubling it keeps the briefing's paragraphs apart.
        """
        return "\n\n".join(part.strip() for part in self.text().split("\n") if part.strip())

    def optional_text(self) -> str:
        if self.value in (None, ""):
            return ""
        return self.text()

    def optional_prose(self) -> str:
        if self.value in (None, ""):
            return ""
        return self.prose()

    def integer(self) -> int:
        if not isinstance(self.value, int) or isinstance(self.value, bool):
            raise self.fail(
                f"must be a whole number, got {self.value!r}",
                "write the number without quotes, e.g. `number: 2`",
            )
        return self.value

    def identifier(self) -> str:
        value = self.text()
        if not _ID.match(value):
            slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "information-sharing"
            raise self.fail(
                f"must be lower-case words joined by hyphens, got {value!r}",
                f"use lower-case letters, digits and hyphens only, e.g. {slug!r}",
            )
        return value

    def day(self) -> date:
        if isinstance(self.value, date):
            return self.value
        if isinstance(self.value, str):
            try:
                return date.fromisoformat(self.value)
            except ValueError:
                pass
        raise self.fail(
            f"must be a date like 2026-11-27, got {self.value!r}",
            "write a real date as YEAR-MONTH-DAY, e.g. 2026-11-27, without quotes",
        )

    def items(self, parse: Callable[[_Node], T], *, allow_empty: bool = False) -> tuple[T, ...]:
        if not isinstance(self.value, list):
            raise self.fail(
                "must be a list", "write one `- item` a line below it, or [first, second]"
            )
        if not self.value and not allow_empty:
            raise self.fail("must not be empty", "add at least one item")
        parsed = (self._item(parse, self.child(index)) for index in range(len(self.value)))
        return tuple(value for value in parsed if value is not None)

    def _item(self, parse: Callable[[_Node], T], item: _Node) -> T | None:
        return self.guard(lambda: parse(item), None)


def _id_field(node: _Node) -> str:
    """An item's id (required, lower-case words joined by hyphens).

    When collecting, a malformed id stands in as written, so references to it are not
    reported a second time.
    """
    raw = node.value.get("id") if isinstance(node.value, dict) else None
    return node.field("id", _Node.identifier, raw if isinstance(raw, str) else "")


def _duplicate(node: _Node, item_id: str, what: str) -> None:
    raise node.fail(
        f"duplicate {what} id {item_id!r}",
        f"give each {what} its own id: ids are how the rest of the pack refers to it",
    )


def _unique(node: _Node, ids: list[str], what: str) -> None:
    """Each id once; every repeat is a problem of its own (the first raises when strict)."""
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id and item_id in seen:
            item = node.child(index)
            node.guard(lambda: _duplicate(item, item_id, what), None)  # noqa: B023
        seen.add(item_id)


def _numbered(node: _Node, numbers: list[int], mark: int) -> None:
    if node.numbers_damaged_since(mark):
        return
    if numbers != list(range(1, len(numbers) + 1)):
        raise node.fail(
            f"numbers must run 1, 2, 3... in order, got {numbers}",
            "number the items 1, 2, 3... in the order they appear in the file",
        )


def _https_url(node: _Node) -> str:
    url = node.text()
    if not url.startswith("https://"):
        secure = "https://" + url.split("://", 1)[1] if "://" in url else "https://..."
        raise node.fail(
            f"must be an https:// address, got {url!r}",
            f"use the page's https:// address ({secure}) and check that it opens",
        )
    problem = _url_problem(url)
    if problem:
        raise node.fail(
            f"{problem}, got {url!r}",
            "copy the page's full address from the browser's address bar (https://host/path); "
            "spaces are written %20",
        )
    return url


def _url_problem(url: str) -> str:
    """What makes an https:// url no address ("" when nothing does)."""
    if any(char.isspace() or not char.isprintable() or char in "\"'<>`" for char in url):
        return "is not an address: it contains a space, quote, line break or control character"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "is not an address (the host part cannot be read)"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password (user:password@)"
    if not host:
        return "has no host name after https://"
    return ""


def _link_kind(node: _Node) -> LinkKind:
    kind_raw = node.text()
    try:
        return LinkKind(kind_raw)
    except ValueError:
        allowed = ", ".join(k.value for k in LinkKind)
        raise node.fail(
            f"must be one of {allowed}, got {kind_raw!r}", f"use one of {allowed}"
        ) from None


def _link(node: _Node) -> Link:
    return Link(
        id=_id_field(node),
        title=node.field("title", _Node.text, ""),
        url=node.field("url", _https_url, ""),
        kind=node.field("kind", _link_kind, LinkKind.SITE),
        description=node.optional_field("description", "", _Node.optional_text, ""),
        last_verified=node.field("last_verified", _Node.day, date.min),
        verified_from=node.field("verified_from", _Node.text, ""),
    )


#: Where each kind of id is defined, and what to add there, for the fix of an unknown id.
_DEFINED = {"link": ("links", "a link"), "key_learning": ("key_learning", "a learning point")}


def _resolve(item: _Node, table: dict[str, T], what: str) -> T:
    ref = item.text()
    if ref not in table:
        known = ", ".join(sorted(table)) or "none"
        section, one = _DEFINED[what]
        raise item.fail(
            f"unknown {what} id {ref!r} (known: {known})",
            f"use one of the ids under `{section}:`, or add {one} with id {ref!r}",
        )
    return table[ref]


def _refs(node: _Node, table: dict[str, T] | None, what: str) -> tuple[T, ...]:
    """References by id; ``table`` None (its section is broken) checks nothing more."""
    if table is None:
        return ()
    return node.items(lambda item: _resolve(item, table, what), allow_empty=True)


def _staff_support(node: _Node, link_table: dict[str, Link] | None) -> StaffSupport | None:
    """The optional ``staff_support`` section: items, an optional link id, and when checked."""
    if node.value is None:
        return None
    link_node = node.optional("link", None)
    link: Link | None = None
    if link_node.value is not None and link_table is not None:
        link = node.guard(lambda: _resolve(link_node, link_table, "link"), None)
    return StaffSupport(
        items=node.field("items", lambda n: n.items(_Node.text), ()),
        link=link,
        last_verified=node.field("last_verified", _Node.day, date.min),
        verified_from=node.field("verified_from", _Node.text, ""),
    )


def _links(node: _Node) -> dict[str, Link]:
    links = node.items(_link)
    _unique(node, [link.id for link in links], "link")
    return {link.id: link for link in links if link.id}


def _key_learning(node: _Node, link_table: dict[str, Link] | None) -> tuple[KeyLearning, ...]:
    mark = node.mark()
    key_learning = node.items(
        lambda n: KeyLearning(
            id=_id_field(n),
            number=n.field("number", _Node.integer, 0),
            title=n.field("title", _Node.text, ""),
            summary=n.field("summary", _Node.prose, ""),
            aliases=n.optional_field(
                "aliases", [], lambda a: a.items(_Node.text, allow_empty=True), ()
            ),
            links=n.optional_field("links", [], lambda r: _refs(r, link_table, "link"), ()),
        )
    )
    _unique(node, [item.id for item in key_learning], "key_learning")
    node.guard(lambda: _numbered(node, [item.number for item in key_learning], mark), None)
    return key_learning


def _recommendations(
    node: _Node, learning_table: dict[str, KeyLearning] | None
) -> tuple[str, tuple[Recommendation, ...]]:
    """The intro and the items; a briefing may have none (then the intro is optional too)."""
    items_node = node.child("items")
    mark = items_node.mark()
    recommendations = items_node.items(
        lambda n: Recommendation(
            id=_id_field(n),
            number=n.field("number", _Node.integer, 0),
            title=n.field("title", _Node.text, ""),
            text=n.field("text", _Node.prose, ""),
            bullets=n.optional_field(
                "bullets", [], lambda b: b.items(_Node.text, allow_empty=True), ()
            ),
            learning=n.optional_field(
                "learning", [], lambda r: _refs(r, learning_table, "key_learning"), ()
            ),
        ),
        allow_empty=True,
    )
    _unique(items_node, [r.id for r in recommendations], "recommendation")
    node.guard(lambda: _numbered(items_node, [r.number for r in recommendations], mark), None)
    return _intro(node, items_node), recommendations


def _intro(node: _Node, items_node: _Node) -> str:
    """A section's intro: required when it has items, optional when it has none."""
    if isinstance(items_node.value, list) and not items_node.value:
        return node.optional_field("intro", "", _Node.optional_text, "")
    return node.field("intro", _Node.text, "")


def _action_taken(
    node: _Node, link_table: dict[str, Link] | None
) -> tuple[str, tuple[ActionTakenItem, ...]]:
    items_node = node.child("items")
    action_taken = items_node.items(
        lambda n: ActionTakenItem(
            text=n.field("text", _Node.prose, ""),
            links=n.optional_field("links", [], lambda r: _refs(r, link_table, "link"), ()),
        ),
        allow_empty=True,
    )
    return _intro(node, items_node), action_taken


def _discussion(
    node: _Node,
    learning_table: dict[str, KeyLearning] | None,
    link_table: dict[str, Link] | None,
) -> tuple[str, tuple[DiscussionPoint, ...]]:
    points_node = node.child("points")
    mark = points_node.mark()
    points = points_node.items(
        lambda n: DiscussionPoint(
            id=_id_field(n),
            number=n.field("number", _Node.integer, 0),
            question=n.field("question", _Node.text, ""),
            learning=n.field("learning", lambda r: _refs(r, learning_table, "key_learning"), ()),
            links=n.optional_field("links", [], lambda r: _refs(r, link_table, "link"), ()),
            prompts=n.optional_field(
                "prompts", [], lambda p: p.items(_Node.text, allow_empty=True), ()
            ),
        )
    )
    _unique(points_node, [p.id for p in points], "discussion point")
    node.guard(lambda: _numbered(points_node, [p.number for p in points], mark), None)
    return node.field("invitation", _Node.text, ""), points


def _about(node: _Node) -> About:
    return About(
        what_is_a_review=node.optional_field("what_is_a_review", "", _Node.optional_text, ""),
        purpose=node.optional_field("purpose", "", _Node.optional_text, ""),
        case_summary=node.field("case_summary", _Node.prose, ""),
    )


def _urgent_help(node: _Node) -> UrgentHelp:
    return UrgentHelp(
        contacts=node.field(
            "contacts",
            lambda c: c.items(
                lambda n: UrgentContact(
                    label=n.field("label", _Node.text, ""),
                    detail=n.field("detail", _Node.text, ""),
                    when=n.field("when", _Node.text, ""),
                )
            ),
            (),
        ),
        note=node.field("note", _Node.text, ""),
    )


def _schema_version(node: _Node) -> int:
    schema = node.integer()
    if schema != SUPPORTED_SCHEMA:
        raise node.fail(
            f"this version of Reflect reads schema {SUPPORTED_SCHEMA}, got {schema}",
            f"set `schema_version: {SUPPORTED_SCHEMA}` (the format docs/content-packs.md "
            "describes), or use a Reflect that reads this schema",
        )
    return schema


def _matches_file(root: _Node, pack_id: str) -> None:
    stem = Path(root.file).stem
    if stem != pack_id:
        raise root.child("id").fail(
            f"must match the file name {stem!r}, got {pack_id!r}",
            f"rename the file to {pack_id}.yml, or set `id: {stem}`",
        )


def _parse(root: _Node) -> Pack:
    """The pack under ``root``, by the rules above (strict or collecting, as ``root`` is)."""
    if not isinstance(root.value, dict):
        raise root.fail(
            "a pack must be a YAML mapping",
            "start the file with `schema_version: 1` and write the pack's fields below it",
        )
    root.field("schema_version", _schema_version, SUPPORTED_SCHEMA)
    link_table = root.field("links", _links, None)
    key_learning = root.field("key_learning", lambda n: _key_learning(n, link_table), None)
    learning_table = None if key_learning is None else {k.id: k for k in key_learning if k.id}
    no_recommendations: tuple[str, tuple[Recommendation, ...]] = ("", ())
    recommendations_intro, recommendations = root.field(
        "recommendations", lambda n: _recommendations(n, learning_table), no_recommendations
    )
    no_action: tuple[str, tuple[ActionTakenItem, ...]] = ("", ())
    action_taken_intro, action_taken = root.field(
        "action_taken", lambda n: _action_taken(n, link_table), no_action
    )
    no_points: tuple[str, tuple[DiscussionPoint, ...]] = ("", ())
    invitation, points = root.field(
        "discussion", lambda n: _discussion(n, learning_table, link_table), no_points
    )
    pack = Pack(
        id=root.field("id", _Node.identifier, ""),
        version=root.field("version", _Node.text, ""),
        title=root.field("title", _Node.text, ""),
        short_title=root.field("short_title", _Node.text, ""),
        partnership=root.field("partnership", _Node.text, ""),
        partnership_short=root.field("partnership_short", _Node.text, ""),
        source=root.field("source", _Node.text, ""),
        published=root.field("published", lambda n: str(n.value), ""),
        last_verified=root.field("last_verified", _Node.day, date.min),
        review_by=root.field("review_by", _Node.day, date.min),
        about=root.field("about", _about, About("", "", "")),
        key_learning=key_learning or (),
        recommendations_intro=recommendations_intro,
        recommendations=recommendations,
        action_taken_intro=action_taken_intro,
        action_taken=action_taken,
        discussion_invitation=invitation,
        discussion_points=points,
        links=tuple((link_table or {}).values()),
        urgent_help=root.field("urgent_help", _urgent_help, UrgentHelp((), "")),
        staff_support=root.guard(
            lambda: _staff_support(root.optional("staff_support", None), link_table), None
        ),
        aliases=root.optional_field(
            "aliases", [], lambda a: a.items(_Node.text, allow_empty=True), ()
        ),
    )
    if pack.id:
        root.guard(lambda: _matches_file(root, pack.id), None)
    return pack


def parse_pack(raw: Any, *, file: str) -> Pack:
    """Validate parsed YAML and build a :class:`Pack`; raises :class:`PackError`."""
    return _parse(_Node(file, "", raw))


def _unknown_field(node: _Node, key: str, known: list[str]) -> None:
    near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if near:
        raise node.fail(
            f"unknown field {key!r} (did you mean {near[0]!r}?)", f"rename it to `{near[0]}:`"
        )
    raise node.fail(
        f"unknown field {key!r}", f"remove it, or use one of the fields here: {', '.join(known)}"
    )


def _unknown_key_errors(file: str, collector: _Collector) -> list[PackError]:
    """Keys the loader never asked for: typos (``sumary:``) the bot would silently ignore."""
    errors = []
    for path, mapping in collector.mappings.items():
        known = sorted(collector.asked.get(path, set()))
        parent = _Node(file, path, mapping)
        for key in mapping:
            if key not in known:
                try:
                    _unknown_field(parent._path_node(str(key)), str(key), known)
                except PackError as error:
                    errors.append(error)
    return errors


def collect_problems(raw: Any, *, file: str) -> tuple[Pack | None, list[PackError]]:
    """Every problem :func:`parse_pack` would find, not just the first, and unknown fields.

    Returns the pack (None when the file is not a mapping at all) and the problems in the order
    they were found; the pack is only trustworthy when there are none.
    """
    collector = _Collector()
    root = _Node(file, "", raw, collector)
    try:
        pack: Pack | None = _parse(root)
    except PackError as error:
        return None, [error]
    return pack, [*collector.problems, *_unknown_key_errors(file, collector)]


class RefusedYaml(yaml.MarkedYAMLError):
    """YAML that parses but that a pack may not use (an alias, a key given twice)."""

    def __init__(self, problem: str, mark: yaml.Mark | None, fix: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix


class _PackYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader; an impossible date (2027-02-30) stays text, a key twice is refused.

    PyYAML raises a bare ValueError for an impossible date, naming neither the file nor the
    field; as text it reaches the date rule, which says where it is and what is wrong. A second
    ``url:`` silently wins over the first, so an author would never learn which one is used.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                raise RefusedYaml(
                    f"duplicate key {key!r} (line {key_node.start_mark.line + 1})",
                    key_node.start_mark,
                    "keep one (the bot would silently use the last)",
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_PackYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def refuse_aliases(text: str) -> None:
    """Raise :class:`RefusedYaml` at the first anchor (``&a``) or alias (``*a``) in ``text``.

    Packs never need them, and they are how YAML is made to explode (an alias bomb, or an
    alias inside its own anchor): scanning the tokens first costs time in proportion to the
    text, before anything is built.
    """
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
            sign = "&" if isinstance(token, yaml.AnchorToken) else "*"
            raise RefusedYaml(
                f"uses a YAML anchor or alias ({sign}{token.value})",
                token.start_mark,
                "write the value out in full where it is used: packs do not use & or *",
            )


def parse_yaml(text: str) -> Any:
    """A pack's YAML text as Python values (safe: plain data only, no aliases, no key twice)."""
    refuse_aliases(text)
    return yaml.load(text, Loader=_PackYamlLoader)


def _yaml_error(path: Path, exc: yaml.YAMLError) -> PackError:
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, RefusedYaml):
        problem, fix = str(exc.problem), exc.fix
    else:
        problem = f"not valid YAML: {getattr(exc, 'problem', None) or exc}"
        fix = (
            "check the indentation and quoting there: text containing ': ' or ' #', or "
            "starting with a quote, [ or {, must be in double quotes"
        )
    return PackError(
        f"{path.name}: {problem}"
        if isinstance(exc, RefusedYaml)
        else f"{path.name}: not valid YAML: {exc}",
        file=path.name,
        path="" if mark is None else f"line {mark.line + 1}, column {mark.column + 1}",
        problem=problem,
        fix=fix,
    )


def read_yaml(path: Path) -> Any:
    """A pack file's YAML; syntax errors and unreadable files are :class:`PackError` too."""
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc) from exc
    except UnicodeDecodeError as exc:
        raise PackError(
            f"{path.name}: not UTF-8 text",
            file=path.name,
            problem="not UTF-8 text",
            fix="save it as UTF-8",
        ) from exc
    except OSError as exc:
        raise PackError(
            f"{path.name}: cannot be read: {exc.strerror}",
            file=path.name,
            problem=f"cannot be read: {exc.strerror}",
            fix="check the file name and that you may read it",
        ) from exc


def load_pack_file(path: Path) -> Pack:
    """Read one pack file; YAML syntax errors are reported as :class:`PackError` too."""
    return parse_pack(read_yaml(path), file=path.name)


def load_packs(content_dir: Path) -> dict[str, Pack]:
    """Every pack in a directory, keyed by id."""
    packs = [load_pack_file(path) for path in sorted(content_dir.glob("*.yml"))]
    if not packs:
        raise PackError(f"{content_dir}: no content packs (*.yml) found")
    return {pack.id: pack for pack in packs}


@lru_cache(maxsize=8)
def get_pack(content_dir: Path, pack_id: str) -> Pack:
    """The pack with this id, loaded once per process (packs change only on deploy)."""
    path = content_dir / f"{pack_id}.yml"
    if not path.exists():
        raise PackError(f"{path.name}: no content pack with id {pack_id!r} in {content_dir}")
    return load_pack_file(path)
