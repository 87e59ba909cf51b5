"""Which briefings a deployment offers, and which one a message names.

A partnership may run several briefings at once (OFFERED_PACKS); a conversation is on one of
them at a time. Matching a briefing's name lives here, driven by each pack's own titles and
aliases, so adding a pack needs no code and no entity training: "I want the Child Q briefing",
"change to the neglect review" and, just after the list was shown, "2" all resolve here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from bot.content.loader import load_packs
from bot.content.schema import Pack

_WORD = re.compile(r"[a-z0-9]+")
_NUMBER_WORDS = {
    word: number
    for number, words in enumerate(
        [
            ("one", "first", "1st"),
            ("two", "second", "2nd"),
            ("three", "third", "3rd"),
            ("four", "fourth", "4th"),
            ("five", "fifth", "5th"),
            ("six", "sixth", "6th"),
            ("seven", "seventh", "7th"),
            ("eight", "eighth", "8th"),
            ("nine", "ninth", "9th"),
            ("ten", "tenth", "10th"),
        ],
        start=1,
    )
    for word in words
}
#: A choice by number is a short answer ("2", "the second one please"), not a sentence that
#: happens to hold a number ("I have 2 questions about the first point").
_MAX_NUMBER_ANSWER_WORDS = 5


class CatalogueError(ValueError):
    """The offered packs are misconfigured; the message names the setting and the ids."""


def _words(text: str) -> str:
    """Lower-case words joined by single spaces: case, punctuation and hyphens do not matter."""
    return " ".join(_WORD.findall(text.lower().replace("'", "").replace("\u2019", "")))


def _contains(words: str, phrase: str) -> bool:
    return bool(phrase) and f" {phrase} " in f" {words} "


def _names(pack: Pack) -> tuple[str, ...]:
    """Everything a practitioner might call the briefing, normalised like a message."""
    found = (pack.short_title, pack.title, *pack.aliases, pack.id)
    return tuple(dict.fromkeys(name for name in map(_words, found) if name))


def _number(words: str) -> int | None:
    """The one number in a short answer ("2", "the second one"), or None."""
    tokens = words.split()
    if not tokens or len(tokens) > _MAX_NUMBER_ANSWER_WORDS:
        return None
    found = [
        (token, int(token) if token.isdigit() else _NUMBER_WORDS[token])
        for token in tokens
        if token.isdigit() or token in _NUMBER_WORDS
    ]
    if len(found) > 1:  # "the second one": that "one" is not a number
        found = [item for item in found if item[0] != "one"]
    return found[0][1] if len(found) == 1 else None


class Catalogue:
    """The briefings on offer, in the order they are listed, and the one a conversation starts on.

    Raises:
        CatalogueError: if there are no packs, two share an id, or the default is not offered.
    """

    def __init__(self, packs: Iterable[Pack], default_id: str) -> None:
        """Keep the offered packs in order; check the default is one of them."""
        self._packs = tuple(packs)
        self._by_id = {pack.id: pack for pack in self._packs}
        if not self._packs:
            raise CatalogueError("OFFERED_PACKS: no briefing is offered")
        if len(self._by_id) != len(self._packs):
            raise CatalogueError("OFFERED_PACKS: a briefing is offered twice")
        if default_id not in self._by_id:
            offered = ", ".join(self._by_id)
            raise CatalogueError(
                f"DEFAULT_PACK_ID {default_id!r} is not offered (OFFERED_PACKS: {offered})"
            )
        self._default = self._by_id[default_id]

    @property
    def default(self) -> Pack:
        """The briefing a conversation is on until the practitioner chooses another."""
        return self._default

    @property
    def several(self) -> bool:
        """Whether there is a choice to offer at all (one pack: the bot behaves as before)."""
        return len(self._packs) > 1

    def offered(self) -> tuple[Pack, ...]:
        """Every offered pack, in listing order."""
        return self._packs

    def get(self, pack_id: object) -> Pack | None:
        """The offered pack with this id; None for anything else (unknown, not offered, None)."""
        return self._by_id.get(pack_id) if isinstance(pack_id, str) else None

    def find(self, text: str, *, listed: bool = False) -> Pack | None:
        """The offered briefing a message names, or None.

        By short title, title, the pack's aliases or its id, whole words only, ignoring case and
        punctuation; the longest name wins, and a tie between two packs names neither. When the
        list was just shown (``listed``), a short answer with one number ("2", "the second
        one") picks that line of it.
        """
        words = _words(text)
        if listed:
            number = _number(words)
            if number is not None:
                return self._packs[number - 1] if 1 <= number <= len(self._packs) else None
        best: list[tuple[int, Pack]] = []
        for pack in self._packs:
            lengths = [len(name) for name in _names(pack) if _contains(words, name)]
            if lengths:
                best.append((max(lengths), pack))
        if not best:
            return None
        best.sort(key=lambda item: -item[0])
        if len(best) > 1 and best[0][0] == best[1][0]:
            return None
        return best[0][1]

    def front_doors(self) -> tuple[Pack, ...]:
        """Whose urgent contacts to give before a briefing is chosen: one pack per partnership.

        The default's first, then each other offered partnership's, so a practitioner from
        any area offered here finds their own front door.
        """
        chosen: dict[str, Pack] = {self._default.partnership: self._default}
        for pack in self._packs:
            chosen.setdefault(pack.partnership, pack)
        return tuple(chosen.values())


def select_offered(
    packs: Mapping[str, Pack], offered_ids: Sequence[str], default_id: str
) -> Catalogue:
    """The catalogue of ``offered_ids`` (every pack when empty), in that order.

    Raises:
        CatalogueError: if an offered id has no pack, or the default is not offered.
    """
    if not offered_ids:
        return Catalogue(packs.values(), default_id)
    unknown = [pack_id for pack_id in offered_ids if pack_id not in packs]
    if unknown:
        known = ", ".join(packs) or "none"
        raise CatalogueError(
            f"OFFERED_PACKS names {', '.join(unknown)}, which is not a pack here (known: {known})"
        )
    return Catalogue((packs[pack_id] for pack_id in dict.fromkeys(offered_ids)), default_id)


def load_catalogue(content_dir: Path, offered_ids: Sequence[str], default_id: str) -> Catalogue:
    """Read every pack in ``content_dir`` and offer ``offered_ids`` of them (all when empty)."""
    return select_offered(load_packs(content_dir), offered_ids, default_id)
