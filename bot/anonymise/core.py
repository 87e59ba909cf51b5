"""The anonymiser's entry points: :func:`detect`, :func:`anonymise` and :func:`placeholder_only`.

Reflect promises practitioners that nothing identifying is stored, so this runs on every user
message at the channel door, before Rasa sees the text. Design choices, and why:

* **Recall first.** Layers propose spans independently (patterns, organisations, addresses,
  places, names); overlapping proposals are unioned, never dropped, and a name found once is
  redacted everywhere it recurs in the message.
* **Readable placeholders** numbered per type and consistent within one message ("[NAME 1] told
  [NAME 2] ... [NAME 1]'s mum"), so the reflection still makes sense; never hashes (NHS and NI
  numbers are brute-forceable).
* **Fail closed.** Any exception inside returns the fixed text ``[REDACTED]``: a bug must never
  leak the raw text nor crash the turn.
* **Counts, not originals.** :class:`Redaction` carries how many identifiers of each type were
  replaced, so callers can log or audit without holding the identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType

from bot.anonymise.fragments import find_edge_fragments
from bot.anonymise.lexicon import Lexicon, lexicon, place_matchers
from bot.anonymise.locations import find_locations, is_sentence_start, protected_ranges
from bot.anonymise.names import (
    NAME_VERBS_AFTER,
    STOPWORDS,
    RuleHit,
    find_names,
    typo_of_english,
)
from bot.anonymise.normalise import normalise
from bot.anonymise.patterns import find_structured
from bot.anonymise.spans import Candidate, Span, merge

__all__ = [
    "FAILED_TEXT",
    "Redaction",
    "anonymise",
    "detect",
    "detect_normalised",
    "detect_with_rules",
    "placeholder_only",
    "redact",
]

FAILED_TEXT = "[REDACTED]"

# Types whose finds also redact later repeats of the same word ("Grace ... grace's dad").
_PROPAGATE = frozenset({"NAME", "PLACE", "SCHOOL", "ADDRESS"})
# A month name after one of these is the month ("in May", "since June", "3rd April").
_MONTH_BEFORE = re.compile(
    r"(?:\b(?:in|of|since|until|till|during|by|from|last|next|this|early|late|mid|end|before"
    r"|after)|\d(?:st|nd|rd|th)?)\s+$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\[[A-Z_]+(?: \d+)?\]")
_FILLER = frozenset(
    """and or & the a an at in on of to from with by for is was i my our me and/or also plus
    hi hello re name names place places""".split()
)


@dataclass(frozen=True)
class Redaction:
    """The result of :func:`anonymise`.

    Attributes:
        text: The anonymised text, identifiers replaced by placeholders such as ``[NAME 1]``.
        counts: How many identifiers of each type were replaced (never the originals), e.g.
            ``{"NAME": 3, "POSTCODE": 1}``; ``{"ERROR": 1}`` when the anonymiser failed closed.
    """

    text: str
    counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def changed(self) -> bool:
        """True if anything was replaced (or the message was withheld after an error)."""
        return bool(self.counts)


def _structured_and_places(text: str) -> tuple[list[Candidate], list[tuple[int, int]]]:
    protected = protected_ranges(text)
    cands = find_structured(text)
    cands.extend(find_locations(text, protected))
    return cands, protected


_ADDRESS_GAP = re.compile(r",?\s*")
_TOWN_GAP = re.compile(r"(,?\s*)([A-Za-z][\w'’]*(?:[ -][A-Za-z][\w'’]*){0,2})(\s*,?\s*)")
_AGE_AFTER_NAME = re.compile(
    r"(?:\s+(?:is|was|turned|turns)(?:\s+(?:now|only|just|nearly|almost))?)?\s+(\d{1,2})"
    r"(?=\s*(?:[,.;)]|$)|\s+(?:and|when|at|now|but|so|with|in|years?|months?|yrs?)\b"
    r"|\s?(?:yrs?|yo|y/o|mths?)\b)"
)


# A title-case word right after a name in title case is its surname, even if it is also a word
# ("Faith Goodwill", "Rain Brook", "Maureen Carpenter-Wood"); these words follow names without
# being part of them.
_PERSON_NEXT = re.compile(
    r" (?:" + "|".join(sorted(NAME_VERBS_AFTER, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
_FIRST_NAME_BEFORE = re.compile(r"(?<![\w'’-])([A-Za-z][a-z]{2,}|[A-Z]{3,}) $")
_SURNAME_AFTER_NAME = re.compile(r" ([A-Z][a-z]{2,}(?:-[A-Z][a-z]{2,})?)(?![\w'’-])")
_NOT_SURNAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december school academy primary college
    nursery surgery practice hospital council police court house road street lane close avenue
    drive centre team unit trust service services family children said says told asked and
    but the then when who was has had is are""".split()
)


# "Rain Brook had not been checked", "we found that Hope Carpenter was": a first name and a
# surname from the lists, both capitalised, even when both are also words; and a surname in
# lower case after a title and a name ("Mrs Joy baker").
_NAME_PAIR = re.compile(r"\b([A-Z][a-z]+) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_TITLE_NAME_SURNAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.? ([A-Z][a-z]+ ([a-z]{3,}(?:-[a-z]{3,})?))\b"
)


_MONTHS_AND_DAYS = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
# Two capitalised words mid-sentence before what a person does ("we found that Rain Brook had
# not been checked"): a name, whatever the words, unless the allow-list knows them.
_PROPER_PAIR_BEFORE_PERSON_VERB = re.compile(
    r"(?:(?<=[a-z,;:] )|(?<=^)|(?<=[.!?] ))([A-Z][a-z]{2,}) ([A-Z][a-z]{2,}(?:-[A-Z][a-z]{2,})?)"
    r"(?= (?:had|said|says|told|rang|called|lives|lived|came|went|wanted|refused|agreed)\b)"
)


# A lower-case word that is neither English (nor a typo of it), nor a place nor on the
# allow-list, then another such word, a surname or a place: an unknown first name and surname
# typed in lower case ("quenby harrow").
_LOWER_PAIR = re.compile(r"(?<![\w'’-])([a-z]{3,}) ([a-z]{3,}(?:-[a-z]{3,})?)(?![\w'’-])")


def _unknown_word(word: str, lex: Lexicon) -> bool:
    return (
        word not in lex.english
        and word not in lex.places_lower
        and word not in lex.keep_words
        and word not in STOPWORDS
        and not typo_of_english(word, lex.english)
    )


def _name_pairs(text: str) -> list[Candidate]:
    lex = lexicon()
    out: list[Candidate] = []
    for m in _NAME_PAIR.finditer(text):
        first, last = m.group(1).lower(), m.group(2).lower()
        if (
            first not in _MONTHS_AND_DAYS
            and first in lex.first_names
            and last.split("-")[0] in lex.surnames
            and first not in lex.keep_words
            and last not in lex.keep_words
            and first not in lex.places_lower
            and last not in lex.places_lower
            and (not is_sentence_start(text, m.start()) or _PERSON_NEXT.match(text, m.end()))
        ):
            out.append(Candidate(m.start(), m.end(), "NAME", 3))
    for m in _LOWER_PAIR.finditer(text):
        last = m.group(2).split("-")[0]
        if _unknown_word(m.group(1), lex) and (
            _unknown_word(last, lex)
            or (last in lex.surnames and last not in lex.english)
            or last in lex.places_lower
        ):
            out.append(Candidate(m.start(), m.end(), "NAME", 2))
    keep_phrases = place_matchers().keep_phrases
    for m in _PROPER_PAIR_BEFORE_PERSON_VERB.finditer(text):
        words = (m.group(1).lower(), m.group(2).lower())
        if (
            not any(w in lex.keep_words or w in _MONTHS_AND_DAYS or w in STOPWORDS for w in words)
            and not words[1].endswith("s")
            # At a sentence start capitals say nothing: a listed first name or surname is needed.
            and (
                text[m.start() - 1 : m.start()] not in ("", " ")
                or not is_sentence_start(text, m.start())
                or words[0] in lex.first_names
                or words[1] in lex.surnames
                or (words[0] not in lex.english and words[0] not in lex.places_lower)
            )
            and not keep_phrases.match(text, m.start())
            and " ".join(words) not in lex.places_lower
        ):
            out.append(Candidate(m.start(), m.end(), "NAME", 3))
    for m in _TITLE_NAME_SURNAME.finditer(text):
        word = m.group(2)
        if (
            word.split("-")[0] in lex.surnames
            and word not in STOPWORDS
            and word not in NAME_VERBS_AFTER
            and not _PERSON_NEXT.match(f" {word}")
        ):
            out.append(Candidate(m.start(1), m.end(2), "NAME", 3))
    return out


def _first_name_word(word: str) -> bool:
    """A listed first name that is not just an English word ("Jan", "Hope"; not "Worker")."""
    lex = lexicon()
    return word in lex.first_names and (
        word not in lex.english or word in lex.ambiguous or word in lex.keep_words
    )


def _same_case(word: str, name: str) -> bool:
    """Both capitalised (or in capitals), or both in lower case: one name typed one way."""
    return (word[0].isupper() and name[0].isupper()) or (word.islower() and name.islower())


def _inside_any(index: int, spans: list[Span]) -> bool:
    return any(s.start <= index < s.end for s in spans)


def _neighbours(text: str, spans: list[Span]) -> list[Span]:
    """Rules that need the first-pass spans.

    * An address written in parts ("Flat 7, Belmont House, Stonefield Road") is one ADDRESS.
    * The words between an address and a postcode are the town ("9 fairlight ave ore tn342ab").
    * A number right after a name is an age ("Ruby 7 and Archie 4", "ahmed is 9").
    """
    out: list[Candidate] = [Candidate(s.start, s.end, s.type, 1) for s in spans]
    changed = False
    for a, b in pairwise(spans):
        gap = text[a.end : b.start]
        if a.type == "ADDRESS" and b.type == "ADDRESS" and _ADDRESS_GAP.fullmatch(gap):
            out.append(Candidate(a.start, b.end, "ADDRESS", 2))
            changed = True
        elif a.type == "ADDRESS" and b.type == "POSTCODE":
            m = _TOWN_GAP.fullmatch(gap)
            if m and not any(ch.isdigit() for ch in m.group(2)):
                start = a.end + m.start(2)
                out.append(Candidate(start, start + len(m.group(2)), "PLACE", 1))
                changed = True
    keep = lexicon().keep_words
    keep_phrases = place_matchers().keep_phrases
    for s in spans:
        if (
            s.type == "NAME"
            and text[s.start].isupper()
            and not text[s.start : s.end].isupper()
            and text[s.start : s.end].lower() not in _MONTHS_AND_DAYS
        ):
            m = _SURNAME_AFTER_NAME.match(text, s.end)
            if (
                m
                and m.group(1).lower() not in _NOT_SURNAMES
                and m.group(1).lower() not in keep
                and not keep_phrases.match(text, m.start(1))  # "Kelly Early Help"
            ):
                out.append(Candidate(s.start, m.end(1), "NAME", 2))
                changed = True
        if s.type == "NAME":
            # "Jan Lee said", "jan abdi said": a listed first name right before a name, written
            # the same way, is its first name, even one the allow-list keeps as a word elsewhere
            # (Jan the month, Will, Hope).
            m = _FIRST_NAME_BEFORE.search(text, 0, s.start)
            if (
                m
                and _same_case(m.group(1), text[s.start : s.end])
                and _first_name_word(m.group(1).lower())
                and not _inside_any(m.start(1), spans)
            ):
                out.append(Candidate(m.start(1), s.end, "NAME", 2))
                changed = True
        if s.type == "NAME":
            m = _AGE_AFTER_NAME.match(text, s.end)
            if m and int(m.group(1)) > 0:
                out.append(Candidate(m.start(1), m.end(1), "AGE", 1))
                changed = True
    return merge(out) if changed else spans


def _propagate(
    text: str, spans: list[Span], protected: Sequence[tuple[int, int]] = ()
) -> list[Span]:
    """Redact later repeats of a found name/place that the rules missed in their own context.

    A word that is also an ordinary English word (an ambiguous name such as "Will") is only
    propagated to capitalised, non-sentence-initial repeats, so "I will" survives; allow-listed
    phrases are left alone ("visiting Star today" does not touch "the Star Hobson review").
    """
    lex = lexicon()
    extra: list[Candidate] = []
    taken = bytearray(len(text))  # 1 = already inside a span, or allow-listed
    for s in spans:
        taken[s.start : s.end] = b"\x01" * (s.end - s.start)
    for start, end in protected:
        taken[start:end] = b"\x01" * (end - start)
    seen: set[str] = set()
    for span in spans:
        if span.type not in _PROPAGATE:
            continue
        original = text[span.start : span.end]
        key = original.lower()
        if key in seen or len(original) < 2 or not any(ch.isalpha() for ch in original):
            continue
        seen.add(key)
        wordy = " " not in key and (key in lex.english or key in lex.ambiguous)
        if wordy and not original[0].isupper():
            continue  # "spoke to will ... he will ring": a lower-case word-name stays local
        pattern = re.compile(
            r"(?<![\w'’-])" + re.escape(original) + r"(?![\w-])", 0 if wordy else re.IGNORECASE
        )
        for m in pattern.finditer(text):
            if 1 in taken[m.start() : m.end()]:
                continue
            if wordy and is_sentence_start(text, m.start()):
                continue
            if wordy and _MONTH_BEFORE.search(text, 0, m.start()):
                continue  # "May said ... moved in May": the second is the month
            extra.append(Candidate(m.start(), m.end(), span.type, 0))
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    if not extra:
        return spans
    return merge([Candidate(s.start, s.end, s.type, 1) for s in spans] + extra)


# Letters of the scripts other than Latin that people's names are written in (Greek, Cyrillic,
# Armenian, Hebrew, Arabic and its supplements, Syriac, Thaana, the Indic scripts, Thai, Lao,
# Tibetan, Myanmar, Georgian, Hangul, Ethiopic, Khmer, kana and the CJK ideographs), with their
# combining marks. A run of them, spaces inside it, is one candidate name.
_OTHER_SCRIPT = (
    "\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0600-\u06ff\u0700-\u07bf"
    "\u0750-\u077f\u08a0-\u08ff\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u10a0-\u10ff"
    "\u1100-\u11ff\u1200-\u139f\u1780-\u17ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f"
    "\u3130-\u318f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af"
    "\uf900-\ufaff\ufb1d-\ufdff\ufe70-\ufeff"
)
_OTHER_SCRIPT_RUN = re.compile(f"[{_OTHER_SCRIPT}]+(?:[ \\-'][{_OTHER_SCRIPT}]+)*")


def _other_scripts(text: str) -> list[Candidate]:
    """Words in a script other than Latin: a name, in a message otherwise in English.

    The name layer knows English words and names written in Latin letters; "דוד כהן visited"
    or "李娜 the mum" reached the minutes as typed (issue-12 attack round). Reflect is used in
    English, so a run of another script is far more likely a name than anything else, and
    redacting it costs a practitioner a word at most (a message wholly in another script is
    refused as saying nothing, with a clear answer).
    """
    return [Candidate(m.start(), m.end(), "NAME", 3) for m in _OTHER_SCRIPT_RUN.finditer(text)]


def _inside(cand: Candidate, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= cand.start and cand.end <= end for start, end in ranges)


def detect_normalised(
    text: str, extra: Iterable[Candidate] = (), trace: list[RuleHit] | None = None
) -> list[Span]:
    """Find every identifier in already-normalised text (see :mod:`bot.anonymise.normalise`).

    Args:
        text: Text as :func:`bot.anonymise.normalise.normalise` returns it.
        extra: Spans proposed by the caller, merged with the layers' own before propagation
            (the door passes identifiers remembered from earlier in the conversation).
        trace: If given, the name layer appends which rule decided each word (see
            :func:`detect_with_rules`); the door passes nothing and pays nothing.

    Returns:
        Non-overlapping spans on ``text``, sorted by start.
    """
    if not text:
        return []
    cands, protected = _structured_and_places(text)
    cands.extend(c for c in extra if not _inside(c, protected))
    cands.extend(c for c in find_edge_fragments(text) if not _inside(c, protected))
    cands.extend(c for c in _name_pairs(text) if not _inside(c, protected))
    cands.extend(_other_scripts(text))
    covered = [(c.start, c.end) for c in cands if c.type in {"EMAIL", "URL", "HANDLE"}]
    cands.extend(find_names(text, protected, covered, trace))
    # Again after propagation: "her son Rain Brook; Mr Rain was" finds the first "Rain" only
    # from the second, and its surname only then.
    return _neighbours(text, _propagate(text, _neighbours(text, merge(cands)), protected))


def detect(text: str) -> list[Span]:
    """Find every identifier in raw ``text``; offsets refer to the ORIGINAL text.

    The text is normalised first (Unicode spaces, invisible characters, full-width forms,
    accents), exactly as :func:`anonymise` does; the spans found are mapped back. Used by the
    evaluation, which scores spans on the text as the practitioner wrote it.

    Args:
        text: Raw user text.

    Returns:
        Non-overlapping spans sorted by start.
    """
    normalised = normalise(text)
    spans = detect_normalised(normalised.text)
    if normalised.starts is None:
        return spans
    return [Span(*normalised.original_span(s.start, s.end), s.type) for s in spans]


def detect_with_rules(text: str) -> tuple[list[Span], list[RuleHit]]:
    """:func:`detect`, and which name rule or pass decided each word it judged.

    For the evaluator's ``--rules`` report: which rule made each name, over-redaction or miss.
    The spans are exactly :func:`detect`'s; offsets of both refer to the ORIGINAL text.

    Args:
        text: Raw user text.

    Returns:
        The spans, and one :class:`~bot.anonymise.names.RuleHit` per decision of the name layer
        (a word a rule judged a name or ruled out, a word or span a later pass added). Names
        found by other means (a first name and surname pair, a repeat of a name found once)
        have no hit.
    """
    normalised = normalise(text)
    hits: list[RuleHit] = []
    spans = detect_normalised(normalised.text, trace=hits)
    if normalised.starts is None:
        return spans, hits
    back = normalised.original_span
    return (
        [Span(*back(s.start, s.end), s.type) for s in spans],
        [RuleHit(*back(h.start, h.end), h.rule, h.name) for h in hits],
    )


def _replace(text: str, spans: list[Span]) -> tuple[str, dict[str, int]]:
    """Replace spans right-to-left with numbered placeholders, consistent per original string."""
    numbers: dict[tuple[str, str], int] = {}
    per_type: dict[str, int] = {}
    for span in spans:  # number in reading order
        key = (span.type, " ".join(text[span.start : span.end].lower().split()))
        if key not in numbers:
            per_type[span.type] = per_type.get(span.type, 0) + 1
            numbers[key] = per_type[span.type]
    counts: dict[str, int] = {}
    out = text
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        key = (span.type, " ".join(text[span.start : span.end].lower().split()))
        out = f"{out[: span.start]}[{span.type} {numbers[key]}]{out[span.end :]}"
        counts[span.type] = counts.get(span.type, 0) + 1
    return out, counts


def redact(text: str, spans: list[Span]) -> Redaction:
    """Replace ``spans`` of ``text`` with numbered placeholders (``[NAME 1]``), with counts."""
    redacted, counts = _replace(text, spans)
    return Redaction(text=redacted, counts=MappingProxyType(counts))


def anonymise(text: str) -> Redaction:
    """Normalise ``text``, then replace every identifier with a typed, numbered placeholder.

    Fails closed: if anything inside raises, the result is ``[REDACTED]`` with counts
    ``{"ERROR": 1}``, so the raw text is neither stored nor echoed.

    Args:
        text: Raw user text (one message).

    Returns:
        The :class:`Redaction`, whose text is the normalised text with placeholders.
    """
    try:
        if not isinstance(text, str):
            raise TypeError(f"expected text, got {type(text).__name__}")
        clean = normalise(text).text
        return redact(clean, detect_normalised(clean))
    except Exception:
        return Redaction(text=FAILED_TEXT, counts=MappingProxyType({"ERROR": 1}))


def placeholder_only(text: str) -> bool:
    """True if, once placeholders, punctuation and filler words are removed, nothing is left.

    Lets the bot ask for more when a practitioner's message was only identifiers ("[NAME 1],
    [PLACE 1]") rather than store an empty reflection.

    Args:
        text: Already-anonymised text.

    Returns:
        Whether the text carries no meaningful words of its own.
    """
    rest = _PLACEHOLDER.sub(" ", text)
    words = re.findall(r"[^\W_]+", rest.lower())
    return all(w in _FILLER for w in words)
