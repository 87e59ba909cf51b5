"""One small reader per kind of section: learning, recommendations, action, questions, about.

Each reads a section's body (its lines after the heading, sub-headings included) into
:class:`Found`. They look at layout (a sub-heading, a short line before a paragraph, a list
item's marker and depth, a colon-ended lead-in) and at punctuation (a question mark), never at
one briefing's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.importer.blocks import split_marker
from bot.importer.draft import LearningItem, Question, RecommendationItem
from bot.importer.extract import (
    after_inline_lead_in,
    is_prompt,
    is_question_lead_in,
    questions_in,
    sentences,
    strip_footnote_refs,
)
from bot.importer.layout import Line
from bot.importer.sections import kind_prefix, labelled_title
from bot.importer.tables import CELL_SEP, table_items

_TITLE_WORDS = 12
_INLINE_TITLE = re.compile(
    r"^(?P<title>[A-Z][^:.?!]{2,70}?)\s*(?::|\s[\u2013\u2014-])\s+(?P<text>.{30,})$"
)
_INLINE_TITLE_WORDS = 7
_LABELLED_WORDS = 20
_REC_LEAD = re.compile(
    r"^(?P<title>recommendation\s*(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"|R\d{1,2})\s*[:.\-\u2013\u2014)]?\s+(?P<text>\S.*)$",
    re.IGNORECASE,
)


@dataclass
class Found:
    """What the section readers found, in document order."""

    what_is_a_review: str = ""
    purpose: str = ""
    case_summary: str = ""
    learning: list[LearningItem] = field(default_factory=list)
    learning_lines: dict[int, int] = field(default_factory=dict)  # id(line) -> learning index
    guessed_titles: set[int] = field(default_factory=set)  # learning titled by a first sentence
    recommendations: list[RecommendationItem] = field(default_factory=list)
    recommendations_intro: str = ""
    action_taken: list[str] = field(default_factory=list)
    action_taken_intro: str = ""
    questions: list[Question] = field(default_factory=list)
    invitation: str = ""


def clean_title(text: str) -> str:
    """A heading as a title: no list marker, no "Theme 2:" prefix, no closing colon."""
    _, rest = split_marker(text)
    rest = re.sub(r"^\d{1,2}[.)]\s+", "", rest)
    kind, titled = kind_prefix(rest)
    if kind == "learning":
        rest = titled
    shorter = labelled_title(rest)
    return (shorter or rest).rstrip(" :").strip()


def _family(marker: str) -> str:
    """A list marker's family: numbers, letters, roman numerals, R-numbers or bullets."""
    core = marker.strip("().:")
    if not core:
        return "bullet"
    if core.isdigit() or re.fullmatch(r"\d+(\.\d+)*", core):
        return "number"
    if re.fullmatch(r"[A-Za-z]{1,2}\d{1,2}", core):
        return "prefixed"
    if re.fullmatch(r"[ivxIVX]+", core):
        return "roman"  # a lone "i)" is read as roman: lists of letters rarely reach "i"
    if re.fullmatch(r"[A-Za-z]", core):
        return "letter"
    return "bullet"


def _is_lead_in(text: str) -> bool:
    return text.rstrip().endswith(":")


def _only_question(text: str) -> bool:
    return (
        text.rstrip().endswith("?")
        and len(questions_in(text)) == 1
        and (questions_in(text)[0] == text.strip())
    )


class _LearningReader:
    """Learning items: titled (a sub-heading, or a short line before its text) or untitled."""

    def __init__(self, found: Found) -> None:
        self.found = found
        self.items: list[tuple[str | None, list[str], list[Line]]] = []
        self.intro: list[Line] = []
        self.questions_mode = False
        self.lead_in = False
        self.title_at: tuple[int, bool] | None = None  # the level of item titles, numbered

    def _current(self) -> int | None:
        return len(self.found.learning) + len(self.items) - 1 if self.items else None

    def _start(self, title: str | None, line: Line, text: str = "") -> None:
        self.items.append((title, [text] if text else [], [line]))
        self.questions_mode = self.lead_in = False

    def _question(self, text: str) -> None:
        self.found.questions.append(Question(text, self._current()))

    def heading(self, line: Line) -> None:
        if line.kind == "questions" and not self._sibling_title(line):
            self.questions_mode = True
            return
        self.title_at = (line.level, line.numbered)
        self._start(clean_title(line.text), line)

    def _sibling_title(self, line: Line) -> bool:
        """A numbered heading level with the numbered item titles before it is the next title.

        "3. Think about the whole household" after "1. ..." and "2. ..." names an item, though
        its words would name a questions section.
        """
        return line.numbered and self.title_at == (line.level, True)

    def text(self, line: Line, following: Line | None) -> None:
        text = strip_footnote_refs(line.text)
        if self._asked(line, text):
            return
        if is_question_lead_in(text):
            self.lead_in = True
            return
        if self._titled(line, text, following):
            return
        if self.items and (
            self.items[-1][0] is not None or line.block.kind != "item" or line.block.level > 0
        ):
            self.items[-1][1].append(text)
            self.items[-1][2].append(line)
        elif line.block.kind == "item":
            self._start(None, line, text)
        else:
            self.intro.append(line)

    def _asked(self, line: Line, text: str) -> bool:
        inline = after_inline_lead_in(text)
        if inline is not None:
            for question in questions_in(inline):
                self._question(question)
            return True
        return self._asked_in_place(line, text)

    def _asked_in_place(self, line: Line, text: str) -> bool:
        """Questions: in a nested questions part, after a lead-in, or one question alone.

        A list item, or a paragraph that is one question, counts inside a learning item.
        """
        if self.questions_mode or self.lead_in:
            asked = [text] if line.block.kind == "item" and is_prompt(text) else questions_in(text)
            for question in asked:
                self._question(question)
            if asked or self.questions_mode:
                return True
            self.lead_in = False
            return False
        if _only_question(text) and (line.block.kind == "item" or self.items):
            self._question(text)
            return True
        return False

    def _titled(self, line: Line, text: str, following: Line | None) -> bool:
        """A short line followed by its text, or "Title: text" on one line, starts an item.

        So does a labelled title ("Finding 3: ...", "Key message 2 - ..."), however long:
        the label says what it is.
        """
        labelled = labelled_title(text)
        if labelled and len(labelled.split()) <= _LABELLED_WORDS and labelled[-1] not in ".;,":
            self._start(clean_title(text), line)
            return True
        run_in = _run_in_title(labelled) if labelled else None
        if run_in is not None:
            self._start(run_in[0], line, run_in[1])
            return True
        if (
            len(text.split()) <= _TITLE_WORDS
            and not re.search(r"[.;,:?!]$", text)
            and following is not None
            and not following.heading
            and (
                following.block.kind == "paragraph"
                or following.block.level > line.block.level
                or _family(following.block.marker) != _family(line.block.marker)
            )
            and (line.block.kind == "item" or not self.items or self.items[-1][0] is not None)
        ):
            self._start(clean_title(text), line)
            return True
        inline = _INLINE_TITLE.match(text)
        if (
            inline
            and len(inline.group("title").split()) <= _INLINE_TITLE_WORDS
            and (line.block.kind == "item" or line.block.bold)
        ):
            self._start(clean_title(inline.group("title")), line, inline.group("text"))
            return True
        return False

    def finish(self) -> None:
        if not self.items:
            for line in self.intro:
                text = strip_footnote_refs(line.text)
                if not _is_lead_in(text) and len(text.split()) > 3:
                    self._start(None, line, text)
        for title, parts, lines in self.items:
            index = len(self.found.learning)
            if not parts and title is None:
                continue
            text = "\n\n".join(parts)
            if title is None:
                title = _first_sentence_title(text)
                if title is not None:
                    self.found.guessed_titles.add(index)
            self.found.learning.append(LearningItem(title, text))
            for line in lines:
                self.found.learning_lines[id(line)] = index


def _run_in_title(labelled: str) -> tuple[str, str] | None:
    """A labelled paragraph's title sentence and its text: "Finding one - Title. Text...".

    After a label ("Finding one -", "Lesson 2:") a short first sentence followed by more text
    is the item's title, run in to its paragraph.
    """
    parts = sentences(labelled)
    first = parts[0] if parts else ""
    if len(parts) < 2 or len(first.split()) > _TITLE_WORDS or first[-1:] != ".":
        return None
    return first[:-1].strip(), labelled[len(first) :].strip()


def _first_sentence_title(text: str) -> str | None:
    """An untitled item's short first sentence, which often reads as its title.

    It is often a bold lead-in that the format did not keep.
    """
    first = sentences(text)[0] if text else ""
    if 2 <= len(first.split()) <= _TITLE_WORDS and first[-1:] in ".?" and len(first) < len(text):
        return first.rstrip(".")
    return None


def read_learning(body: list[Line], found: Found, heading: Line | None = None) -> None:
    """Learning items, and the questions that sit inside them.

    A section heading like "Point 3 - Learning: seeing the whole family" is also the first
    item's title.
    """
    reader = _LearningReader(found)
    if heading is not None and kind_prefix(heading.text)[0] == "learning":
        reader.heading(heading)
    for index, line in enumerate(body):
        following = body[index + 1] if index + 1 < len(body) else None
        if line.heading:
            reader.heading(line)
        else:
            reader.text(line, following)
    reader.finish()


class _RecommendationReader:
    """Recommendations: one per sub-heading, top-level list item or "R1"-led paragraph."""

    def __init__(self, body: list[Line]) -> None:
        self.recs: list[tuple[str | None, list[str], list[str]]] = []
        self.intro: list[str] = []
        self.headed = any(line.kind is None or _has_number(line) for line in body if line.heading)
        items = [line for line in body if not line.heading and line.block.kind == "item"]
        self.top_level = min((line.block.level for line in items), default=0)
        self.top_family = _family(items[0].block.marker) if items else "number"
        self.item_started = False

    def heading(self, line: Line) -> None:
        if line.kind is not None and not _has_number(line):
            return
        self.recs.append((clean_title(line.text), [], []))

    def text(self, line: Line) -> None:
        text = strip_footnote_refs(line.text)
        lead = _REC_LEAD.match(text)
        if lead:
            self.recs.append((lead.group("title").strip(), [lead.group("text")], []))
            return
        if line.block.kind == "item":
            self._item(line, text)
        elif self.recs and not self.recs[-1][2]:
            self.recs[-1][1].append(text)
        elif not self.recs:
            self.intro.append(text)

    def _item(self, line: Line, text: str) -> None:
        is_top = (
            line.block.level == self.top_level
            and _family(line.block.marker) == self.top_family
            and not self.headed
        )
        if self.recs and not is_top:
            if self.recs[-1][1]:
                self.recs[-1][2].append(text)
            else:
                self.recs[-1][1].append(text)
        else:
            self.recs.append((None, [text], []))

    def finish(self, found: Found) -> None:
        if not self.recs:
            self.recs = [(None, [p], []) for p in self.intro if not _is_lead_in(p)]
            self.intro = [p for p in self.intro if _is_lead_in(p)]
        if self.intro and not found.recommendations_intro:
            found.recommendations_intro = self.intro[0]
        for title, parts, bullets in self.recs:
            if parts or bullets:
                found.recommendations.append(
                    RecommendationItem(title, "\n\n".join(parts), tuple(bullets))
                )


def _has_number(line: Line) -> bool:
    return bool(
        re.search(
            r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten)\b", line.text, re.IGNORECASE
        )
    )


def _table_rows(body: list[Line]) -> list[Line]:
    """The rows of a table in a section's body (two rows at least), else []."""
    rows = [line for line in body if not line.heading and CELL_SEP in line.text]
    return rows if len(rows) >= 2 else []


def read_recommendations(body: list[Line], found: Found) -> None:
    """Recommendations with their sub-points as bullets, or a table's recommendation column."""
    rows = _table_rows(body)
    if rows:
        intro = [line.text for line in body if not line.heading and line not in rows]
        if intro and not found.recommendations_intro:
            found.recommendations_intro = intro[0]
        for _, text in table_items(
            [strip_footnote_refs(line.text) for line in rows], "recommendations"
        ):
            found.recommendations.append(RecommendationItem(None, text, ()))
        return
    reader = _RecommendationReader(body)
    for line in body:
        if line.heading:
            reader.heading(line)
        else:
            reader.text(line)
    reader.finish(found)


def _asked_in_paragraph(text: str) -> list[str]:
    """A paragraph's questions: all of a short one that ends asking, else each question.

    "Think about your last visit. Do you know who lives there?" is one question.
    """
    asked = questions_in(text)
    if text.rstrip().endswith("?") and len(asked) == 1 and len(sentences(text)) <= 2:
        return [text.strip()]
    return asked


def _before_closing(body: list[Line]) -> list[Line]:
    """A list's section without the paragraphs after the list.

    "What has changed" is often a list followed by a closing remark ("Progress will be
    audited...", "The review did not recommend..."): what has changed is the list.
    """
    items = [index for index, line in enumerate(body) if line.block.kind == "item"]
    if len(items) < 2:
        return body
    return body[: items[-1] + 1]


def read_action(body: list[Line], found: Found) -> None:
    """What has changed: each paragraph, list item or table row's last cell.

    A first paragraph ending with a colon is the section's lead-in, not an action.
    """
    rows = [strip_footnote_refs(line.text) for line in _before_closing(body) if not line.heading]
    if sum(CELL_SEP in row for row in rows) >= 2:  # a table: its "what has changed" column
        table = [text for _, text in table_items(rows, "action")]
        rows = [row for row in rows if CELL_SEP not in row][:1] + table
    texts = [text for text in rows if text]

    if len(texts) > 1 and _is_lead_in(texts[0]):
        if not found.action_taken_intro:
            found.action_taken_intro = texts[0]
        texts = texts[1:]
    found.action_taken.extend(t for t in texts if t)


def read_questions(body: list[Line], found: Found, *, lead_in_only: bool = False) -> None:
    """Questions in a questions section (or, elsewhere, only after an "Ask yourself:" lead-in).

    Paragraphs without a question in a questions section are its invitation to discuss.
    """
    lead_in = not lead_in_only
    invitation: list[str] = []
    for line in body:
        if line.heading:
            lead_in = not lead_in_only or line.kind == "questions"
            continue
        text = strip_footnote_refs(line.text)
        if is_question_lead_in(text):
            lead_in = True
            continue
        inline = after_inline_lead_in(text)
        if inline is not None:
            found.questions.extend(Question(q, None) for q in questions_in(inline))
            continue
        if not lead_in:
            continue
        if line.block.kind == "item" and is_prompt(text):
            found.questions.append(Question(text, None))
            continue
        asked = _asked_in_paragraph(text)
        found.questions.extend(Question(q, None) for q in asked)
        if not asked and not lead_in_only:
            invitation.append(text)
        elif not asked:
            lead_in = False
    if invitation and not found.invitation:
        found.invitation = "\n\n".join(invitation)


def _paragraphs(body: list[Line]) -> list[str]:
    """A section's text up to its first sub-heading (which begins something else)."""
    out = []
    for line in body:
        if line.heading:
            break
        out.append(strip_footnote_refs(line.text))
    return out


def read_about(body: list[Line], found: Found) -> None:
    """What a review is, and its purpose (the paragraph that says "purpose" or "aim")."""
    for text in _paragraphs(body):
        if not found.purpose and re.search(r"\b(purpose|aims?)\b", text, re.IGNORECASE):
            found.purpose = text
        else:
            found.what_is_a_review = "\n\n".join(p for p in (found.what_is_a_review, text) if p)


def read_case(body: list[Line], found: Found) -> None:
    """The case summary: the section's paragraphs."""
    text = "\n\n".join(_paragraphs(body))
    if text:
        found.case_summary = "\n\n".join(p for p in (found.case_summary, text) if p)
