"""A recognised briefing (:class:`Draft`) and the draft content pack written from it.

The recogniser fills a :class:`Draft` with what it found and, in ``unsure``, what it guessed
(field path -> why). :func:`draft_yaml` writes a complete pack in the shape of
bot/content/packs/esscp-child-z.yml: every guessed value carries the literal prefix
``[CHECK] `` and a ``# CHECK:`` comment above it, so ``reflect packs validate`` lists each one
for the person reviewing the draft, and the pack validates once they are resolved.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from bot.importer.wording import placeholders, reason
from bot.importer.yaml_writer import YamlWriter


class LearningItem(NamedTuple):
    """One key learning point; ``title`` is None when the briefing gives it none."""

    title: str | None
    text: str


class RecommendationItem(NamedTuple):
    """One recommendation: its heading (if any), text and sub-points."""

    title: str | None
    text: str
    bullets: tuple[str, ...]


class Question(NamedTuple):
    """A discussion question and the learning item it sits in (an index), if any."""

    text: str
    learning: int | None


class LinkItem(NamedTuple):
    """A page the briefing points to; ``url`` is None when it names a page without an address."""

    title: str
    url: str | None
    learning: int | None = None  # the learning item it sits in, if any


class Contact(NamedTuple):
    """A phone number with its label (the words before it) and when to use it."""

    label: str
    number: str
    when: str


@dataclass(frozen=True)
class Draft:
    """What the recogniser found in one briefing, and what it is unsure of.

    ``unsure`` maps a field path ("title", "learning[2].title", "links[0].url",
    "urgent_help") to the reason a reviewer should check it.
    """

    title: str
    partnership: str
    what_is_a_review: str = ""
    purpose: str = ""
    case_summary: str = ""
    learning: tuple[LearningItem, ...] = ()
    recommendations: tuple[RecommendationItem, ...] = ()
    action_taken: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    links: tuple[LinkItem, ...] = ()
    contacts: tuple[Contact, ...] = ()
    invitation: str = ""  # the words around the questions ("Discuss these in your team...")
    recommendations_intro: str = ""
    action_taken_intro: str = ""
    published: str = ""
    unsure: Mapping[str, str] = field(default_factory=dict)


# --- writing the draft pack ------------------------------------------------------------------

CHECK = "[CHECK] "
_STOP = {
    "of",
    "and",
    "by",
    "in",
    "for",
    "to",
    "with",
    "from",
    "the",
    "a",
    "an",
    "on",
    "at",
    "is",
    "are",
    "was",
    "were",
    "be",
    "must",
    "should",
    "need",
    "needs",
    "not",
    "can",
    "when",
    "what",
    "how",
    "who",
    "why",
    "do",
    "does",
    "you",
    "your",
    "we",
    "our",
    "their",
    "it",
    "its",
    "this",
    "that",
    "as",
    "or",
    "into",
    "about",
    "will",
    "have",
    "has",
    "all",
    "more",
    "than",
    "where",
}
_SHORT_TITLE = re.compile(
    r"\b(?:Child|Children|Baby|Young Person|Sibling|Family|Adult|Infant)s?\s+[A-Z][A-Za-z]?\d?"
    r"(?:\s+and\s+[A-Z]\d?)?\b"
)
_KINDS = (
    ("procedure", r"procedure|manual|guidance|policy|protocol|pathway|tool|threshold"),
    ("contact", r"contact|front door|\bmash\b|\bspoa\b|referral|report a concern|duty"),
    ("training", r"training|course|e-?learning|learning pool|workshop|webinar"),
    ("review", r"review|report|panel|lcspr|cspr|\bcpr\b|\bscr\b|briefing"),
)


def slug(text: str, *, words: int = 6) -> str:
    """An id from words: lower case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())
    content = [p for p in parts if p not in _STOP] or parts
    return "-".join(content[:words]) or "item"


def _unique_ids(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return out


def aliases_for(title: str) -> list[str]:
    """Short lower-case noun phrases from a title: what people might call this learning."""
    words = re.findall(r"[A-Za-z][A-Za-z'\u2019-]*", title.lower())
    runs: list[list[str]] = [[]]
    for word in words:
        if word in _STOP:
            runs.append([])
        else:
            runs[-1].append(word)
    out: list[str] = []
    if 0 < len(words) <= 4:
        out.append(" ".join(w for w in words if w not in {"the", "a", "an"}))
    for run in runs:
        phrase = " ".join(run[-3:])
        if (len(run) >= 2 or (run and len(run[0]) >= 6)) and phrase not in out:
            out.append(phrase)
    return out[:6]


def short_title(title: str) -> str:
    """What people call a briefing: "Child Q", else the title's first part."""
    found = _SHORT_TITLE.search(title)
    if found:
        return found.group(0)
    head = re.split(r"\s*[:\u2013\u2014|]\s*|\s+-\s+", title)[0]
    return " ".join(head.split()[:5])


def initials(name: str) -> str:
    """Initials of the capitalised words: "Northmoor Safeguarding Partnership" -> "NSP"."""
    return "".join(w[0] for w in name.split() if w[:1].isupper()) or name


def link_kind(title: str, url: str) -> str:
    """A guess at what a link is for, from its title and address."""
    words = f"{title} {url}".lower()
    return next((kind for kind, pattern in _KINDS if re.search(pattern, words)), "site")


def _first_clause(text: str) -> str:
    clause = re.split(r"[.;:,!?]\s", text + " ", maxsplit=1)[0]
    return " ".join(clause.split()[:8]).rstrip(".,;:")


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _https(url: str) -> tuple[str, str | None]:
    """An https:// address, and why it needs checking if it was changed."""
    if url.lower().startswith("https://"):
        return url, None
    if url.lower().startswith("http://"):
        return "https://" + url[7:], reason("http_address")
    return "https://" + url, reason("bare_address")


class _PackWriter:
    """Writes one draft pack; each section of the pack is one method."""

    def __init__(self, draft: Draft, *, pack_id: str, source_name: str, today: date) -> None:
        self.draft = draft
        self.pack_id = pack_id
        self.source_name = source_name
        self.today = today
        self.words = placeholders()
        self.out = YamlWriter()
        self.link_ids = _unique_ids([slug(link.title) for link in draft.links])
        self.learning_ids = _unique_ids(
            [slug(item.title or _first_clause(item.text)) for item in draft.learning]
        )

    def value(
        self, indent: int, key: str, value: str, reason: str | None, dash: bool = False
    ) -> None:
        """A value, marked [CHECK] with a comment above it when there is a reason to check."""
        if reason:
            self.out.comment(indent, f"CHECK: {reason}")
            value = CHECK + value
        self.out.scalar(indent, key, value, dash)

    def header(self) -> None:
        out, d = self.out, self.draft
        for line in (
            reason("header").format(source=self.source_name, today=self.today.isoformat()),
            reason("how_to_review"),
        ):
            out.comment(0, line)
        out.scalar(0, "schema_version", 1)
        out.scalar(0, "id", self.pack_id)
        out.scalar(0, "version", "0.1.0")
        self.value(0, "title", d.title or self.words["title"], d.unsure.get("title"))
        short = short_title(d.title)
        self.value(0, "short_title", short, None if short != d.title else "shorten the title")
        out.comment(0, reason("aliases_comment"))
        out.flow(0, "aliases", _unique_ids([short])[:1])
        partnership = d.partnership or self.words["partnership"]
        self.value(0, "partnership", partnership, d.unsure.get("partnership"))
        self.value(0, "partnership_short", initials(partnership), reason("initials"))
        self.value(
            0,
            "source",
            f'{partnership}, "{d.title}" (imported from {self.source_name})',
            reason("source"),
        )
        self.value(
            0,
            "published",
            d.published or "",
            None if d.published else reason("published"),
        )
        out.scalar(0, "last_verified", self.today)
        out.scalar(0, "review_by", _add_months(self.today, 6))

    def about(self) -> None:
        d = self.draft
        self.out.blank()
        self.out.key(0, "about")
        for key, text in (("what_is_a_review", d.what_is_a_review), ("purpose", d.purpose)):
            if text:
                self.value(2, key, text, d.unsure.get(key))
            else:
                self.out.comment(2, reason("optional_about").format(field=key))
                self.out.scalar(2, key, "")
        if d.case_summary:
            self.value(2, "case_summary", d.case_summary, d.unsure.get("case_summary"))
        else:
            self.value(2, "case_summary", self.words["no_case_summary"], "none found")

    def learning(self) -> None:
        d, out = self.draft, self.out
        out.blank()
        out.key(0, "key_learning")
        if not d.learning:
            self._placeholder_learning()
            return
        for index, item in enumerate(d.learning):
            title = item.title or _first_clause(item.text)
            out.scalar(2, "id", self.learning_ids[index], dash=True)
            out.scalar(4, "number", index + 1)
            self.value(4, "title", title, d.unsure.get(f"learning[{index}].title"))
            self.value(4, "summary", item.text or title, None if item.text else "no text found")
            out.flow(4, "aliases", aliases_for(title))
            refs = [self.link_ids[i] for i, link in enumerate(d.links) if link.learning == index]
            out.flow(4, "links", refs)

    def _placeholder_learning(self) -> None:
        self.out.scalar(2, "id", "learning", dash=True)
        self.out.scalar(4, "number", 1)
        self.value(4, "title", self.words["no_learning"], reason("no_learning_found"))
        self.value(4, "summary", self.words["no_learning"], reason("no_learning_found"))

    def _list_section(self, key: str, intro: str, *, found: bool, empty: str) -> bool:
        """A list section's key, intro and ``items:``; True if there are items to write.

        The intro is the standard one, marked, if the briefing had none; with nothing found the
        list is written empty with a comment saying so.
        """
        out = self.out
        out.blank()
        out.key(0, key)
        self.value(
            2,
            "intro",
            intro or self.words[f"{key}_intro"],
            None if intro else reason("no_intro"),
        )
        if not found:
            out.comment(2, reason(empty))
            out.lines.append("  items: []")
            return False
        out.key(2, "items")
        return True

    def recommendations(self) -> None:
        d, out = self.draft, self.out
        found = bool(d.recommendations)
        if not self._list_section(
            "recommendations", d.recommendations_intro, found=found, empty="no_recommendations"
        ):
            return
        ids = _unique_ids(
            [
                slug(r.title or r.text)
                if r.title
                and re.search(r"[a-z]{4}", r.title)
                and not re.match(r"(?i)recommendation|r\d", r.title)
                else slug(r.text)
                for r in d.recommendations
            ]
        )
        for index, rec in enumerate(d.recommendations):
            out.scalar(4, "id", ids[index], dash=True)
            out.scalar(6, "number", index + 1)
            title = rec.title or self.words["recommendation_title"].format(number=index + 1)
            out.scalar(6, "title", title)
            out.scalar(6, "text", rec.text)
            if rec.bullets:
                out.key(6, "bullets")
                for bullet in rec.bullets:
                    out.item(8, bullet)
            out.comment(6, reason("recommendation_learning"))
            out.flow(6, "learning", [])

    def action_taken(self) -> None:
        d = self.draft
        found = bool(d.action_taken)
        if not self._list_section(
            "action_taken", d.action_taken_intro, found=found, empty="no_action_taken"
        ):
            return
        for text in d.action_taken:
            self.out.scalar(4, "text", text, dash=True)

    def discussion(self) -> None:
        d, out = self.draft, self.out
        out.blank()
        out.key(0, "discussion")
        self.value(
            2,
            "invitation",
            d.invitation or self.words["invitation"],
            None if d.invitation else reason("no_invitation"),
        )
        out.key(2, "points")
        if not d.questions:
            out.scalar(4, "id", "question", dash=True)
            out.scalar(6, "number", 1)
            self.value(6, "question", self.words["no_question"], reason("no_questions"))
            out.flow(6, "learning", [])
            return
        ids = _unique_ids([slug(q.text, words=5) for q in d.questions])
        for index, question in enumerate(d.questions):
            out.scalar(4, "id", ids[index], dash=True)
            out.scalar(6, "number", index + 1)
            out.scalar(6, "question", question.text)
            refs = [] if question.learning is None else [self.learning_ids[question.learning]]
            out.flow(6, "learning", refs)
            out.flow(6, "prompts", [])

    def links(self) -> None:
        d, out = self.draft, self.out
        out.blank()
        out.key(0, "links")
        if not d.links:
            out.comment(2, reason("no_links"))
            self._link("site", d.partnership or "site", None, "site")
            return
        for index, link in enumerate(d.links):
            self._link(
                self.link_ids[index], link.title, link.url, link_kind(link.title, link.url or "")
            )

    def _link(self, link_id: str, title: str, url: str | None, kind: str) -> None:
        out = self.out
        out.scalar(2, "id", link_id, dash=True)
        out.scalar(4, "title", title)
        if url is None:
            self.value(
                4,
                "url",
                self.words["link_placeholder"],
                reason("find_address"),
            )
        else:
            address, why = _https(url)
            self.value(4, "url", address, why)
        out.comment(4, reason("kind_guessed"))
        out.scalar(4, "kind", CHECK + kind)
        out.scalar(4, "last_verified", self.today)
        out.scalar(
            4,
            "verified_from",
            CHECK + reason("verified_from").format(source=self.source_name),
        )

    def urgent_help(self) -> None:
        d, out, words = self.draft, self.out, self.words
        out.blank()
        out.key(0, "urgent_help")
        out.key(2, "contacts")
        out.scalar(4, "label", words["police_label"], dash=True)
        out.scalar(6, "detail", "999")
        out.scalar(6, "when", words["police_when"])
        contacts = [c for c in d.contacts if re.sub(r"\D", "", c.number) != "999"]
        if "urgent_help" in d.unsure or not contacts:
            out.comment(4, reason("no_front_door_comment"))
            self.value(4, "label", words["front_door_label"], None, dash=True)
            self.value(6, "detail", words["front_door_detail"], "add the number")
            out.scalar(6, "when", words["front_door_when"])
        for index, contact in enumerate(contacts):
            self.value(
                4,
                "label",
                contact.label or words["front_door_label"],
                None if contact.label else "no label found",
                dash=True,
            )
            detail = f"{contact.number} ({contact.when})" if contact.when else contact.number
            out.scalar(6, "detail", detail)
            when = (
                words["front_door_when"]
                if index == 0 and "urgent_help" not in d.unsure
                else words["contact_when"]
            )
            self.value(6, "when", when, reason("say_when"))
        out.scalar(2, "note", words["urgent_note"])


def draft_yaml(draft: Draft, *, pack_id: str, source_name: str, today: date) -> str:
    """A complete draft pack (schema_version 1), deterministic for the same draft and day."""
    writer = _PackWriter(draft, pack_id=pack_id, source_name=source_name, today=today)
    writer.header()
    writer.about()
    writer.learning()
    writer.recommendations()
    writer.action_taken()
    writer.discussion()
    writer.links()
    writer.urgent_help()
    return writer.out.text()
