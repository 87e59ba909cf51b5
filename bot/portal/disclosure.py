"""Disclosure control: the one engine every portal figure passes through before anyone sees it.

The rule is simple enough to prove, which is the point. The data is cut into a FIXED partition of
*atoms*: contributions that share a release block (a run of whole ISO weeks) and every other
dimension of the cube (agency, discussion point, team...). The partition depends only on the
data within the lead's scope, never on the filters the lead picks. An atom with at least ``k``
contributions is *safe*; every other atom is left out of every figure, totals included. Every
released number is then a sum of safe atoms, or suppressed when that sum is 0. So:

* no released number is below ``k`` (a non-empty sum of atoms of at least ``k`` each);
* a total never reveals a suppressed cell (it counts only what is shown: the strongest form of
  secondary suppression);
* for nested selections (a filter inside another, or one date range inside another, both
  widened to whole blocks), the difference of any two released numbers is itself a sum of safe
  atoms, so it is 0 or at least ``k``: nothing suppressed can be worked out by subtraction.

Release blocks exist because weeks are too fine: a group of 12 spread over three weeks is a 4, a
3 and a 5 week by week. Blocks are formed greedily from the earliest week with data, closing as
soon as they hold ``k`` contributions with few of them in small atoms, so they are stable as data
arrives (a closed block never changes when later weeks are added). The current ISO week, and any
weeks after the last closed block, are *pending*: not released until a block closes over them.

Pure Python: no database, no web framework. :mod:`bot.portal.figures` reads the cubes with SQL
aggregates; :mod:`bot.portal.dashboard` turns a :class:`Release` into
:class:`~bot.portal.model.Table` objects through :func:`table` and :func:`box_total`, and
nothing else computes a figure.

The guarantee holds for one data set. Data that shrinks (a withdrawal, the retention purge of
old weeks) can move block boundaries and change figures between two visits; that difference is
what was deleted, not a small group of what remains.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Literal

from bot.content.messages import render
from bot.portal.model import Cell, Table

#: The smallest k anyone may configure: below 5, "fewer than k" protects nobody.
MIN_K = 5
#: The ONS secure research rule: at least 10 contributions behind every figure.
DEFAULT_K = 10
#: A block may close with at most this share of its contributions in atoms below k.
DEFAULT_MAX_UNSAFE_SHARE = 0.2
#: A block closes after this many weeks whatever its small atoms (once it holds k in all).
DEFAULT_MAX_BLOCK_WEEKS = 13
#: The key of every table's total cell.
TOTAL_KEY = "total"

#: Which number of an atom a table releases: contributions, or their weight (participants).
Value = Literal["count", "weight"]

_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def check_k(k: int) -> int:
    """Return ``k`` if it is a whole number of at least :data:`MIN_K`.

    Raises:
        ValueError: if ``k`` is not an int, or is below :data:`MIN_K`.
    """
    if isinstance(k, bool) or not isinstance(k, int):
        raise ValueError(f"k must be a whole number, not {k!r}")
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K} (it is {k}); smaller groups identify people")
    return k


@lru_cache(maxsize=4096)
def week_index(label: str) -> int:
    """The ISO week ``"2026-W45"`` as a running week number (consecutive weeks differ by 1).

    Raises:
        ValueError: for anything that is not a real ISO week, with a message the portal can show.
    """
    match = _WEEK.fullmatch(label.strip()) if isinstance(label, str) else None
    if match is None:
        raise ValueError(f"{label!r} is not an ISO week such as 2026-W45.")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"{label} is not a week of {match[1]}.") from None
    return (monday.toordinal() - 1) // 7  # date.fromordinal(1) is a Monday


def week_label(index: int) -> str:
    """The ISO week label of a running week number from :func:`week_index`."""
    year, week, _ = date.fromordinal(index * 7 + 1).isocalendar()
    return f"{year}-W{week:02d}"


def range_label(first_week: str, last_week: str) -> str:
    """``"2026-W45 to 2026-W47"``, or just ``"2026-W45"`` for a single week."""
    return first_week if first_week == last_week else f"{first_week} to {last_week}"


@dataclass(frozen=True)
class Atom:
    """Contributions sharing one key: a week (or block) and a value for every other dimension.

    ``weight`` is what the threshold applies to when given (e.g. participants of group
    sessions, where ``count`` is the number of sessions); otherwise ``count`` is.
    """

    key: tuple[str, ...]
    count: int
    weight: int | None = None

    @property
    def size(self) -> int:
        """What the threshold k is compared with."""
        return self.count if self.weight is None else self.weight


@dataclass(frozen=True)
class Cube:
    """Atoms as read from SQL, keyed by ISO week first, then the other dimensions in ``dims``.

    ``dims`` names the dimensions (e.g. :data:`bot.portal.model.REFLECTION_DIMS`); its first
    name is the time dimension, holding an ISO week here and a block once released. Repeated
    keys are allowed (they are added together when released). Either every atom has a weight
    or none has.
    """

    dims: tuple[str, ...]
    atoms: tuple[Atom, ...]
    weighted: bool = field(default=False, init=False)
    """Whether the threshold applies to weights rather than counts (every atom has one)."""

    def __post_init__(self) -> None:
        if not self.dims:
            raise ValueError("a cube needs at least its time dimension")
        weighted = {atom.weight is not None for atom in self.atoms}
        if len(weighted) > 1:
            raise ValueError("either every atom of a cube has a weight or none has")
        object.__setattr__(self, "weighted", weighted == {True})
        for atom in self.atoms:
            if len(atom.key) != len(self.dims):
                raise ValueError(f"atom key {atom.key!r} does not match dimensions {self.dims!r}")
            if atom.count < 0 or (atom.weight is not None and atom.weight < 0):
                raise ValueError(f"atom {atom.key!r} has a negative count or weight")
            week_index(atom.key[0])


@dataclass(frozen=True)
class Block:
    """A run of whole ISO weeks released together; ``key`` is its first week."""

    index: int
    first_week: str
    last_week: str

    @property
    def key(self) -> str:
        """What a released atom and a table cell carry for this block."""
        return self.first_week

    @property
    def label(self) -> str:
        """``"2026-W45 to 2026-W47"`` (or ``"2026-W45"``)."""
        return range_label(self.first_week, self.last_week)

    @property
    def weeks(self) -> tuple[str, ...]:
        """Every ISO week in the block, data or not."""
        return tuple(
            week_label(i)
            for i in range(week_index(self.first_week), week_index(self.last_week) + 1)
        )


@dataclass(frozen=True)
class Box:
    """A selection of a release: whole blocks ``first_block..last_block`` and equality filters.

    Empty when ``last_block < first_block`` (everything in it is suppressed). ``where`` holds
    (dimension, value) pairs, e.g. ``(("agency", "police"),)``. ``notes`` explain any widening
    of the requested dates; they are not part of the selection (two boxes with the same blocks
    and filters are equal, and give identical tables).
    """

    first_block: int
    last_block: int
    where: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def empty(self) -> bool:
        """Whether the box holds no block at all."""
        return self.last_block < self.first_block


@dataclass(frozen=True)
class Release:
    """What one cube may show at one k: its blocks, its safe atoms, and the pending weeks.

    Build it with :func:`build_release`. ``atoms`` are the safe atoms only, keyed by block
    (``Block.key``) instead of week; nothing below k is kept, so nothing below k can leak.
    """

    dims: tuple[str, ...]
    k: int
    blocks: tuple[Block, ...]
    atoms: tuple[Atom, ...]
    pending_weeks: tuple[str, ...]
    weighted: bool = False
    _starts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _ends: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)
    _block_of_key: Mapping[str, int] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _safe: frozenset[tuple[str, ...]] = field(
        default=frozenset(), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(week_index(b.first_week) for b in self.blocks))
        object.__setattr__(self, "_ends", tuple(week_index(b.last_week) for b in self.blocks))
        object.__setattr__(self, "_block_of_key", {b.key: b.index for b in self.blocks})
        object.__setattr__(self, "_safe", frozenset(atom.key for atom in self.atoms))

    def block_of(self, week: str) -> Block | None:
        """The block holding an ISO week, or None (before the data, or pending).

        Raises:
            ValueError: if ``week`` is not an ISO week.
        """
        position = self._position(week_index(week))
        return None if position is None else self.blocks[position]

    def locate(self, week_key: Sequence[str]) -> tuple[str, ...] | None:
        """A cube key (ISO week first) re-keyed by its block, or None when not released."""
        block = self.block_of(week_key[0])
        return None if block is None else (block.key, *week_key[1:])

    def is_safe(self, block_key: Sequence[str]) -> bool:
        """Whether a block-keyed atom is released (holds at least k contributions)."""
        return tuple(block_key) in self._safe

    def block_number(self, block_key: str) -> int:
        """The index of the block whose key is ``block_key``.

        Raises:
            KeyError: for a key that is no block of this release.
        """
        return self._block_of_key[block_key]

    def snap_range(
        self, week_from: str | None, week_to: str | None
    ) -> tuple[int, int, tuple[str, ...]]:
        """The whole blocks covering a requested range of ISO weeks, widened outward.

        ``None`` leaves that end open. The result is ``(first_block, last_block, notes)``;
        ``last_block < first_block`` means nothing in the range is released. Widening matters:
        two ranges differing by a few weeks inside one block would otherwise difference out
        the contributions of those weeks.

        Raises:
            ValueError: for a malformed week, or a start after the end (message for the page).
        """
        low = None if week_from is None else week_index(week_from)
        high = None if week_to is None else week_index(week_to)
        if low is not None and high is not None and low > high:
            raise ValueError(f"The start week {week_from} is after the end week {week_to}.")
        if not self.blocks:
            return 0, -1, (render("portal_nothing_released").text,)
        last = len(self.blocks) - 1
        if low is not None and low > self._ends[last]:
            return 0, -1, (_pending_note(self._ends[last] + 1),)
        if high is not None and high < self._starts[0]:
            return 0, -1, (_before_note(self.blocks[0].first_week),)
        # Blocks are contiguous, so a week between the first start and the last end is in one.
        first_block = 0 if low is None else self._position(low) or 0
        last_block = last if high is None or high > self._ends[last] else self._position(high) or 0
        notes: list[str] = []
        widened_start = low is not None and low > self._starts[first_block]
        widened_end = high is not None and high < self._ends[last_block]
        if widened_start or widened_end:
            span = range_label(
                self.blocks[first_block].first_week, self.blocks[last_block].last_week
            )
            notes.append(render("portal_widened", weeks=span).text)
        if high is not None and high > self._ends[last] and self.pending_weeks:
            notes.append(_pending_note(self._ends[last] + 1))
        return first_block, last_block, tuple(notes)

    def box(
        self,
        week_from: str | None = None,
        week_to: str | None = None,
        where: Mapping[str, str | None] | None = None,
    ) -> Box:
        """The :class:`Box` for a requested date range and filters (None filters mean all).

        Raises:
            ValueError: for a malformed week, a start after the end, or an unknown dimension.
        """
        first, last, notes = self.snap_range(week_from, week_to)
        pairs: list[tuple[str, str]] = []
        for dimension, value in sorted((where or {}).items()):
            if dimension not in self.dims[1:]:
                raise ValueError(f"cannot filter on {dimension!r}; dimensions are {self.dims[1:]}")
            if value is not None:
                pairs.append((dimension, value))
        return Box(first, last, tuple(pairs), notes)

    def _position(self, week: int) -> int | None:
        at = bisect.bisect_right(self._starts, week) - 1
        if at < 0 or week > self._ends[at]:
            return None
        return at


def _pending_note(first_pending: int) -> str:
    return render("portal_pending", week=week_label(first_pending)).text


def _before_note(first_week: str) -> str:
    return render("portal_before_data", week=first_week).text


def build_release(
    cube: Cube,
    k: int,
    *,
    today: date | None = None,
    max_unsafe_share: float = DEFAULT_MAX_UNSAFE_SHARE,
    max_block_weeks: int = DEFAULT_MAX_BLOCK_WEEKS,
    blocks: Sequence[Block] | None = None,
) -> Release:
    """Decide what ``cube`` may show at threshold ``k``: form blocks, keep only safe atoms.

    ``today`` keeps its (unfinished) ISO week, and anything later, out of every block. Pass
    ``blocks`` (another release's, e.g. the reflections' for the themes) to release this cube
    over the same periods; they are a fixed partition independent of the filters too, so the
    guarantee holds, and figures from the two cubes line up.

    Raises:
        ValueError: for k below :data:`MIN_K`, a share outside 0..1, or fewer than 1 week a block.
    """
    check_k(k)
    if not 0 <= max_unsafe_share <= 1:
        raise ValueError("max_unsafe_share must be between 0 and 1")
    if max_block_weeks < 1:
        raise ValueError("max_block_weeks must be at least 1")
    by_label: dict[str, list[_Part]] = {}
    for atom in cube.atoms:
        size = atom.count if atom.weight is None else atom.weight
        if size or atom.count:
            by_label.setdefault(atom.key[0], []).append((atom.key[1:], atom.count, size))
    by_week = {week_index(label): parts for label, parts in by_label.items()}
    if len(by_week) < len(by_label):  # two spellings of one week (" 2026-W45"): merge them
        by_week = {}
        for label, parts in by_label.items():
            by_week.setdefault(week_index(label), []).extend(parts)
    current = None if today is None else (today.toordinal() - 1) // 7
    if blocks is None:
        blocks = _form_blocks(by_week, k, current, max_unsafe_share, max_block_weeks)
    blocks = tuple(blocks)
    _check_contiguous(blocks)
    pending = _pending(by_week, blocks, current)
    safe = _safe_atoms(by_week, blocks, k, weighted=cube.weighted)
    return Release(cube.dims, k, blocks, safe, pending, cube.weighted)


#: An atom as the engine works with it: the key without its week, its count, and its size.
_Part = tuple[tuple[str, ...], int, int]


def _check_contiguous(blocks: Sequence[Block]) -> None:
    """Blocks given by a caller must partition a run of weeks, numbered from 0, like ours do."""
    for position, block in enumerate(blocks):
        if block.index != position or week_index(block.first_week) > week_index(block.last_week):
            raise ValueError(f"block {block!r} is out of order")
        if (
            position
            and week_index(block.first_week) != week_index(blocks[position - 1].last_week) + 1
        ):
            raise ValueError(f"block {block!r} does not follow the one before it")


def _form_blocks(
    by_week: Mapping[int, Sequence[_Part]],
    k: int,
    current: int | None,
    max_unsafe_share: float,
    max_block_weeks: int,
) -> tuple[Block, ...]:
    """Greedy blocks from the earliest week with data; each closes at the first week it may.

    Only data up to the week a block closes decides where it closes, so appending later weeks
    never moves a closed block. ``unsafe`` (contributions in atoms below k) is kept up to date
    as atoms grow, so each week costs only its own atoms.
    """
    weeks = [week for week in by_week if current is None or week < current]
    if not weeks:
        return ()
    share = Fraction(str(max_unsafe_share)).limit_denominator(10**6)  # exact: 0.2 is 1/5
    num, den = share.numerator, share.denominator
    blocks: list[Block] = []
    start, end = min(weeks), max(weeks)
    total = unsafe = 0
    sizes: dict[tuple[str, ...], int] = {}
    for week in range(start, end + 1):
        for rest, _, size in by_week.get(week, ()):
            old = sizes.get(rest, 0)
            new = sizes[rest] = old + size
            unsafe += (new if new < k else 0) - (old if old < k else 0)
            total += size
        weeks_in = week - start + 1
        if total >= k and (unsafe * den <= num * total or weeks_in >= max_block_weeks):
            blocks.append(Block(len(blocks), week_label(start), week_label(week)))
            start, total, unsafe, sizes = week + 1, 0, 0, {}
    return tuple(blocks)


def _pending(
    by_week: Mapping[int, Sequence[_Part]], blocks: Sequence[Block], current: int | None
) -> tuple[str, ...]:
    """The weeks not released: after the last block, up to the current (or last data) week.

    Data dated after the current week (a wrong clock) is never released and not listed.
    """
    if not by_week:
        return ()
    end = max(by_week) if current is None else current
    start = week_index(blocks[-1].last_week) + 1 if blocks else min(by_week)
    return tuple(week_label(week) for week in range(start, end + 1))


def _safe_atoms(
    by_week: Mapping[int, Sequence[_Part]], blocks: Sequence[Block], k: int, *, weighted: bool
) -> tuple[Atom, ...]:
    """Atoms re-keyed by block and added up; only those of at least k are kept, sorted."""
    if not blocks:
        return ()
    starts = [week_index(block.first_week) for block in blocks]
    ends = [week_index(block.last_week) for block in blocks]
    sums: dict[tuple[str, ...], list[int]] = {}
    for week, parts in by_week.items():
        at = bisect.bisect_right(starts, week) - 1
        if at < 0 or week > ends[at]:
            continue
        block = (blocks[at].key,)
        for rest, count, size in parts:
            entry = sums.get(block + rest)
            if entry is None:
                sums[block + rest] = [count, size]
            else:
                entry[0] += count
                entry[1] += size
    safe = sorted((key, entry) for key, entry in sums.items() if entry[1] >= k)
    if weighted:
        return tuple(Atom(key, count, size) for key, (count, size) in safe)
    return tuple(Atom(key, count) for key, (count, _) in safe)


def atoms_in_box(release: Release, box: Box) -> tuple[Atom, ...]:
    """The safe atoms a box selects (the only contributions any figure of it may count)."""
    if box.empty:
        return ()
    positions = [(release.dims.index(dim), value) for dim, value in box.where]
    blocks = {release.blocks[i].key for i in range(box.first_block, box.last_block + 1)}
    return tuple(
        atom
        for atom in release.atoms
        if atom.key[0] in blocks and all(atom.key[at] == value for at, value in positions)
    )


def in_box(release: Release, box: Box, block_key: Sequence[str]) -> bool:
    """Whether a block-keyed atom key (from :meth:`Release.locate`) is safe and inside ``box``."""
    if box.empty or not release.is_safe(block_key):
        return False
    if not box.first_block <= release.block_number(block_key[0]) <= box.last_block:
        return False
    return all(block_key[release.dims.index(dim)] == value for dim, value in box.where)


def _amount(atom: Atom, value: Value) -> int:
    if value == "weight":
        if atom.weight is None:
            raise ValueError("this release has no weights to show")
        return atom.weight
    return atom.count


def _cell(key: str, label: str, amount: int) -> Cell:
    """A released figure: the sum of safe atoms, or suppressed when that sum is 0."""
    return Cell(key=key, label=label, value=amount or None)


def box_total(release: Release, box: Box, *, value: Value = "count", label: str = "Total") -> Cell:
    """Everything a box shows, as one figure (suppressed when it holds no safe atom)."""
    return _cell(TOTAL_KEY, label, sum(_amount(atom, value) for atom in atoms_in_box(release, box)))


def table(
    release: Release,
    box: Box,
    dimension: str,
    labels: Mapping[str, str] | None = None,
    order: Iterable[str] | None = None,
    *,
    table_id: str | None = None,
    title: str = "",
    description: str = "",
    value_label: str = "Contributions",
    value: Value = "count",
) -> Table:
    """A breakdown of a box by one dimension, every cell a sum of safe atoms or suppressed.

    For the time dimension (the cube's first) the cells are the box's blocks, in order. For any
    other, the cells follow ``order`` (e.g. every agency, every discussion point), then any
    other value found, so an empty category shows as "fewer than k" rather than vanishing:
    empty and suppressed are never told apart. The total adds up the shown cells only.

    Raises:
        ValueError: for an unknown dimension, or ``value="weight"`` on an unweighted release.
    """
    if dimension not in release.dims:
        raise ValueError(f"no dimension {dimension!r}; dimensions are {release.dims}")
    at = release.dims.index(dimension)
    sums: dict[str, int] = {}
    for atom in atoms_in_box(release, box):
        sums[atom.key[at]] = sums.get(atom.key[at], 0) + _amount(atom, value)
    names = dict(labels or {})
    if at == 0:
        shown = release.blocks[box.first_block : box.last_block + 1] if not box.empty else ()
        keys = [block.key for block in shown]
        names = {block.key: block.label for block in shown} | names
    else:
        keys = list(dict.fromkeys(order or ()))
        keys += sorted(set(sums) - set(keys))
    cells = tuple(_cell(key, names.get(key, key), sums.get(key, 0)) for key in keys)
    total = sum(cell.value or 0 for cell in cells)
    return Table(
        id=table_id or f"by_{dimension}",
        title=title,
        description=description,
        dimension=dimension,
        value_label=value_label,
        cells=cells,
        total=_cell(TOTAL_KEY, "Total", total),
    )


def rule_text(k: int) -> str:
    """The suppression rule in plain English, printed on every page and in every file."""
    name = "portal_rule" if k == DEFAULT_K else "portal_rule_local_k"
    return render(name, k=str(k)).text


def display(cell: Cell, k: int) -> str:
    """A released figure as text: ``"fewer than 10"`` when suppressed, else the plain number."""
    return render("portal_fewer_than", k=str(k)).text if cell.value is None else str(cell.value)
