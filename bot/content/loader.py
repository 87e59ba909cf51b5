"""Load and validate briefing content packs.

Errors name the file, the path inside it and what is wrong, because the people who edit packs
are safeguarding staff, not developers: "esscp-child-z.yml: discussion.points[2].links[0]:
unknown link id 'spoa'" is actionable, a KeyError is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

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
    """A content pack is invalid; the message names the file, the field and the problem."""


class _Node:
    """A position in the parsed YAML that knows its own path, for error messages."""

    def __init__(self, file: str, path: str, value: Any) -> None:
        self.file = file
        self.path = path
        self.value = value

    def fail(self, problem: str) -> PackError:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return PackError(f"{where}: {problem}")

    def child(self, key: str | int) -> _Node:
        path = (
            f"{self.path}[{key}]"
            if isinstance(key, int)
            else (f"{self.path}.{key}" if self.path else key)
        )
        if isinstance(key, int):
            return _Node(self.file, path, self.value[key])
        if not isinstance(self.value, dict):
            raise self.fail("expected a mapping")
        if key not in self.value:
            raise _Node(self.file, path, None).fail("is required but missing")
        return _Node(self.file, path, self.value[key])

    def optional(self, key: str, default: Any) -> _Node:
        if isinstance(self.value, dict) and key in self.value and self.value[key] is not None:
            return self.child(key)
        path = f"{self.path}.{key}" if self.path else key
        return _Node(self.file, path, default)

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.fail("must be non-empty text")
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

    def integer(self) -> int:
        if not isinstance(self.value, int) or isinstance(self.value, bool):
            raise self.fail(f"must be a whole number, got {self.value!r}")
        return self.value

    def identifier(self) -> str:
        value = self.text()
        if not _ID.match(value):
            raise self.fail(f"must be lower-case words joined by hyphens, got {value!r}")
        return value

    def day(self) -> date:
        if isinstance(self.value, date):
            return self.value
        if isinstance(self.value, str):
            try:
                return date.fromisoformat(self.value)
            except ValueError:
                pass
        raise self.fail(f"must be a date like 2026-11-27, got {self.value!r}")

    def items(self, parse: Callable[[_Node], T], *, allow_empty: bool = False) -> tuple[T, ...]:
        if not isinstance(self.value, list):
            raise self.fail("must be a list")
        if not self.value and not allow_empty:
            raise self.fail("must not be empty")
        return tuple(parse(self.child(index)) for index in range(len(self.value)))


def _unique(node: _Node, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            raise node.child(index).fail(f"duplicate {what} id {item_id!r}")
        seen.add(item_id)


def _numbered(node: _Node, numbers: list[int]) -> None:
    if numbers != list(range(1, len(numbers) + 1)):
        raise node.fail(f"numbers must run 1, 2, 3... in order, got {numbers}")


def _link(node: _Node) -> Link:
    url = node.child("url").text()
    if not url.startswith("https://"):
        raise node.child("url").fail(f"must be an https:// address, got {url!r}")
    kind_raw = node.child("kind").text()
    try:
        kind = LinkKind(kind_raw)
    except ValueError:
        allowed = ", ".join(k.value for k in LinkKind)
        raise node.child("kind").fail(f"must be one of {allowed}, got {kind_raw!r}") from None
    return Link(
        id=node.child("id").identifier(),
        title=node.child("title").text(),
        url=url,
        kind=kind,
        description=node.optional("description", "").optional_text(),
        last_verified=node.child("last_verified").day(),
        verified_from=node.child("verified_from").text(),
    )


def _staff_support(node: _Node, link_table: dict[str, Link]) -> StaffSupport | None:
    """The optional ``staff_support`` section: items, an optional link id, and when checked."""
    if node.value is None:
        return None
    link: Link | None = None
    link_node = node.optional("link", None)
    if link_node.value is not None:
        ref = link_node.text()
        if ref not in link_table:
            known = ", ".join(sorted(link_table)) or "none"
            raise link_node.fail(f"unknown link id {ref!r} (known: {known})")
        link = link_table[ref]
    return StaffSupport(
        items=node.child("items").items(_Node.text),
        link=link,
        last_verified=node.child("last_verified").day(),
        verified_from=node.child("verified_from").text(),
    )


def _refs(node: _Node, table: dict[str, T], what: str) -> tuple[T, ...]:
    def resolve(item: _Node) -> T:
        ref = item.text()
        if ref not in table:
            known = ", ".join(sorted(table)) or "none"
            raise item.fail(f"unknown {what} id {ref!r} (known: {known})")
        return table[ref]

    return node.items(resolve, allow_empty=True)


def parse_pack(raw: Any, *, file: str) -> Pack:
    """Validate parsed YAML and build a :class:`Pack`; raises :class:`PackError`."""
    root = _Node(file, "", raw)
    if not isinstance(raw, dict):
        raise root.fail("a pack must be a YAML mapping")
    schema = root.child("schema_version").integer()
    if schema != SUPPORTED_SCHEMA:
        raise root.child("schema_version").fail(
            f"this version of Reflect reads schema {SUPPORTED_SCHEMA}, got {schema}"
        )

    links_node = root.child("links")
    links = links_node.items(_link)
    _unique(links_node, [link.id for link in links], "link")
    link_table = {link.id: link for link in links}

    learning_node = root.child("key_learning")
    key_learning = learning_node.items(
        lambda n: KeyLearning(
            id=n.child("id").identifier(),
            number=n.child("number").integer(),
            title=n.child("title").text(),
            summary=n.child("summary").prose(),
            aliases=n.optional("aliases", []).items(_Node.text, allow_empty=True),
            links=_refs(n.optional("links", []), link_table, "link"),
        )
    )
    _unique(learning_node, [item.id for item in key_learning], "key_learning")
    _numbered(learning_node, [item.number for item in key_learning])
    learning_table = {item.id: item for item in key_learning}

    recs_node = root.child("recommendations")
    recommendations = recs_node.child("items").items(
        lambda n: Recommendation(
            id=n.child("id").identifier(),
            number=n.child("number").integer(),
            title=n.child("title").text(),
            text=n.child("text").prose(),
            bullets=n.optional("bullets", []).items(_Node.text, allow_empty=True),
            learning=_refs(n.optional("learning", []), learning_table, "key_learning"),
        )
    )
    _unique(recs_node.child("items"), [r.id for r in recommendations], "recommendation")
    _numbered(recs_node.child("items"), [r.number for r in recommendations])

    action_node = root.child("action_taken")
    action_taken = action_node.child("items").items(
        lambda n: ActionTakenItem(
            text=n.child("text").prose(),
            links=_refs(n.optional("links", []), link_table, "link"),
        )
    )

    discussion_node = root.child("discussion")
    points_node = discussion_node.child("points")
    points = points_node.items(
        lambda n: DiscussionPoint(
            id=n.child("id").identifier(),
            number=n.child("number").integer(),
            question=n.child("question").text(),
            learning=_refs(n.child("learning"), learning_table, "key_learning"),
            links=_refs(n.optional("links", []), link_table, "link"),
            prompts=n.optional("prompts", []).items(_Node.text, allow_empty=True),
        )
    )
    _unique(points_node, [p.id for p in points], "discussion point")
    _numbered(points_node, [p.number for p in points])

    about_node = root.child("about")
    urgent_node = root.child("urgent_help")
    pack = Pack(
        id=root.child("id").identifier(),
        version=root.child("version").text(),
        title=root.child("title").text(),
        short_title=root.child("short_title").text(),
        partnership=root.child("partnership").text(),
        partnership_short=root.child("partnership_short").text(),
        source=root.child("source").text(),
        published=str(root.child("published").value),
        last_verified=root.child("last_verified").day(),
        review_by=root.child("review_by").day(),
        about=About(
            what_is_a_review=about_node.child("what_is_a_review").text(),
            purpose=about_node.child("purpose").text(),
            case_summary=about_node.child("case_summary").prose(),
        ),
        key_learning=key_learning,
        recommendations_intro=recs_node.child("intro").text(),
        recommendations=recommendations,
        action_taken_intro=action_node.child("intro").text(),
        action_taken=action_taken,
        discussion_invitation=discussion_node.child("invitation").text(),
        discussion_points=points,
        links=links,
        urgent_help=UrgentHelp(
            contacts=urgent_node.child("contacts").items(
                lambda n: UrgentContact(
                    label=n.child("label").text(),
                    detail=n.child("detail").text(),
                    when=n.child("when").text(),
                )
            ),
            note=urgent_node.child("note").text(),
        ),
        staff_support=_staff_support(root.optional("staff_support", None), link_table),
    )
    if Path(file).stem != pack.id:
        raise root.child("id").fail(
            f"must match the file name {Path(file).stem!r}, got {pack.id!r}"
        )
    return pack


def load_pack_file(path: Path) -> Pack:
    """Read one pack file; YAML syntax errors are reported as :class:`PackError` too."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PackError(f"{path.name}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise PackError(f"{path.name}: cannot be read: {exc.strerror}") from exc
    return parse_pack(raw, file=path.name)


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
