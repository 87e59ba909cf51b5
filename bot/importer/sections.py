"""The kinds of section every learning briefing has, and how their headings are worded.

Briefings differ in layout but not in what they are made of: what a review is, what happened,
what was learned, what should change, what has changed, questions for a team, links and who to
call. Partnerships word these headings in a handful of ways ("Key learning", "What we learned",
"Findings"), so a small vocabulary of section KINDS recognises them in any briefing. The
vocabulary holds phrases common to briefings in general, never a phrase from one briefing.

A heading is matched from its start (after its number or marker and a leading "the"/"our"/
"key"), so "Contacting the Single Point of Advice" is not the contacts section but "Contacts"
and "Who to contact" are.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.importer.blocks import split_marker

SectionKind = Literal[
    "about",
    "case",
    "learning",
    "recommendations",
    "practice",
    "action",
    "questions",
    "links",
    "contacts",
    "summary",
]

# Checked in this order: the first kind whose pattern matches the heading's start wins, so
# "Learning for practice" (a questions section in many briefings) is tested before "learning".
_VOCABULARY: tuple[tuple[SectionKind, str], ...] = (
    (
        "about",
        r"what (is|are) (an? |the )?(\w+ ){0,5}(reviews?|l?cspr|cpr|scr|apr)\b|about (this|the) "
        r"(briefing|review)|about (l?csprs?|cprs?|reviews)|purpose of (this|the) (briefing|review)"
        r"|why (was|were|did|we|the partnership)\b.*\breview|the review process\b",
    ),
    (
        "questions",
        r"(questions?|points?|issues?|things?|prompts?) (for|to) (discussion|discuss|consider|"
        r"think|reflect|ask|practitioners|practice|teams?|supervision)|(reflective|discussion|"
        r"supervision|team) (questions|points|prompts)|questions?\b|ask yourself|"
        r"learning (for|into|in) practice|reflect(ion|ions|ing)?\b|for (reflection|discussion)|"
        r"consider\b|think about|discussion\b|using this briefing|over to you|reflective\b|"
        r"pause (and|to|for) (reflect|think|discuss)|"
        r"(team|group|staff|practitioner|practice|supervision) (discussion|reflection)s?\b",
    ),
    (
        "learning",
        r"(\w+ )?learning( points?| themes?| from (the|this) (review|case)| identified)?$|"
        r"learning (points?|themes?|identified)\b|learning from (the|this) (review|case)$|"
        r"lessons?( learn[te]d)?( from (the|this) (review|case))?$|what (we|"
        r"the review|the panel|the reviewers?) (learn[te]d|found|identified)|"
        r"what did (we|the review|the panel) (learn|find)|"
        r"(main |headline )?(findings|themes)( (from|of|identified)( the| this)? (review|case|"
        r"learning))?$|what the review (found|tells)|(main |headline )?messages$|"
        r"messages (for practice|from (the|this) (review|case))$|"
        r"(themes|findings|learning|lessons) (and|&) (themes|findings|learning|lessons)",
    ),
    (
        "recommendations",
        r"recommendations?\b|what (is|are|does|did) (the|our) (partnership|board|review|panel|"
        r"committee) recommend(ing)?\b|what (needs|has) to change|"
        r"what (will|should|must) change|what the (partnership|board|review) "
        r"(is doing|will do|recommends)",
    ),
    (
        "practice",
        r"what (you|practitioners|professionals|managers|agencies) (should|must|can|need to) do|"
        r"what (should|can|must) (you|i|practitioners|professionals) do|actions? for (practitioners"
        r"|professionals|managers)|what (does )?this means? for (you|practice|practitioners)|"
        r"implications for practice|practice (points|pointers)|"
        r"why (does )?(it|this) matters?",
    ),
    (
        "action",
        r"actions? (taken|already taken|since|completed)|what happens next|next steps|"
        r"what (has|have) (changed|been done|"
        r"happened since)|what'?s changed|progress( made)?( since)?\b|changes (made|since)|"
        r"(improvements|developments) (made|since)|since the review|what we have done|what has "
        r"the partnership done|work (done|completed|undertaken)|"
        r"what (the|our) (partnership|board|committee|agencies|partners) (has|have) (done|changed)",
    ),
    (
        "case",
        r"what happened|background|[\w']+'s story$|the story\b|(case|brief|short) (summary|"
        r"background|overview)|summary of( the)? (case|review|child)|introduction|the case\b|"
        r"about (child|baby|the child|the family|the young)|what (was|is) (the|this) (review|case) "
        r"about|context\b|overview\b|"
        r"the family\b|family (background|circumstances)|circumstances\b",
    ),
    (
        "links",
        r"(useful |further |helpful |more |key |other )?(links?|resources?|reading|guidance|"
        r"documents|websites?|references|tools)$|(useful|further|helpful|more) information$|"
        r"further (reading|information|resources|guidance|learning)|"
        r"useful (links|resources|information|documents|websites)|"
        r"(local |relevant |safeguarding )?procedures( and guidance)?$|find out more|"
        r"read the (full )?(report|review)|where to find|where (can|do|should) (i|you|we) find|"
        r"links? (and|&) resources|training\b",
    ),
    (
        "contacts",
        r"(useful |key |important )?contacts?( (details|numbers|us|information))?$|"
        r"who (can|should|do) (i|you|we) (contact|call|ask|tell)|who to "
        r"(contact|call|ring)|if you are (worried|concerned)|worried about a (child|young)|"
        r"(making a|how to make a) referral|report(ing)? a concern|concerned about a child|"
        r"(front door|mash|spoa)$|(need|get) (help|advice)( now)?|urgent (help|contacts)",
    ),
    # A summary at the top repeats the findings in one line each: it is not the learning.
    ("summary", r"at a glance$|(in )?(brief|summary)$|(the )?briefing in brief$|in a nutshell$"),
)
_COMPILED = tuple((kind, re.compile(rf"^(?:{pattern})")) for kind, pattern in _VOCABULARY)
_LEADING = re.compile(
    r"^(?:(?:section|part|step|chapter|point|page)\s+\d{1,2}\b|\d{1,2}(?:\.\d{1,2})*[.):]?(?=\s)|"
    r"[A-Za-z][.)](?=\s))[\s:.\-\u2013\u2014]*",
    re.IGNORECASE,
)
_FILLER = re.compile(r"^(?:the|our|key|main|some|a few|a|an)\s+")
MAX_HEADING_WORDS = 12
# A learning item's label and number before its title: "Finding 2:", "Key message 3 -",
# "Lesson 1.", "Theme one:", "Learning point A:", after any paragraph number ("2.1 Finding one -").
# The title is what follows the separator.
_ITEM_LABEL = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?(?:(?:key|main|headline)\s+)?(?:learning(?:\s+(?:point|theme|message|area))?|"
    r"key\s+(?:point|finding)|findings?|lessons?|themes?|messages?|area(?:\s+of\s+learning)?|"
    r"learning\s+points?)\s*"
    r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|[A-Z](?![\w']))"
    r"\s*(?::|\.(?!\d)|\)|\s[-\u2013\u2014]|[\u2013\u2014])\s*",
    re.IGNORECASE,
)


def labelled_title(text: str) -> str | None:
    """The title after a learning item's label ("Finding 2: Missing episodes..."), or None."""
    found = _ITEM_LABEL.match(text.strip())
    rest = text.strip()[found.end() :].strip() if found else ""
    return rest or None


def heading_words(text: str) -> str:
    """A heading lower-cased, without its number ("3.", "Section 3:"), filler or end colon."""
    marker, rest = split_marker(text)
    words = _LEADING.sub("", rest if marker else text).strip().lower()
    words = re.sub(r"[\u2018\u2019`]", "'", words)
    words = re.sub(r"[:.?!\s\u2013\u2014-]+$", "", words)
    return _FILLER.sub("", words).strip()


def section_kind(text: str) -> SectionKind | None:
    """The section KIND a heading names, or None when it names no known kind of section.

    Long lines are never section headings, however they start: a section heading is a label.
    """
    if len(text.split()) > MAX_HEADING_WORDS:
        return None
    words = heading_words(text)
    for kind, pattern in _COMPILED:
        if pattern.match(words):
            return kind
    prefix = re.split(r":\s|\s[\u2013\u2014-]\s", words, maxsplit=1)
    if len(prefix) == 2 and prefix[1].strip():
        return section_kind(prefix[0])  # "Learning: seeing the whole family"
    return None


def kind_prefix(text: str) -> tuple[SectionKind | None, str]:
    """A heading's kind prefix and the rest: "Learning: title" -> ("learning", "title")."""
    marker, rest = split_marker(text)
    words = _LEADING.sub("", rest if marker else text).strip()
    parts = re.split(r":\s|\s[\u2013\u2014-]\s", words, maxsplit=1)
    if len(parts) == 2 and parts[1].strip():
        kind = section_kind(parts[0])
        if kind is not None:
            return kind, parts[1].strip()
    return None, text


_LEAD_IN_KINDS: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
    ("questions", re.compile(r"\bquestions\b", re.IGNORECASE)),
    ("recommendations", re.compile(r"\brecommendations?\b", re.IGNORECASE)),
    (
        "learning",
        re.compile(
            r"\b(areas? of learning|learning (points?|themes?)|key learning|lessons|findings|"
            r"the following learning|learning was identified)\b",
            re.IGNORECASE,
        ),
    ),
)


def lead_in_kind(text: str) -> SectionKind | None:
    """The kind a colon-ended lead-in names: "The partnership agreed two recommendations:".

    Some layouts (7-minute briefings) put a section's content under a heading of no known kind
    ("3. Information") and say what it is in the sentence that introduces the list.
    """
    if not text.rstrip().endswith(":") or len(text.split()) > 2 * MAX_HEADING_WORDS:
        return None
    return next((kind for kind, pattern in _LEAD_IN_KINDS if pattern.search(text)), None)
