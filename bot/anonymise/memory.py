"""What a conversation remembers of its identifiers, and how a later message is matched to it.

A practitioner names a person once ("dad Frankie Hollis") and then uses a part of the name alone
("Hollis said no"). Each message on its own gives the rules no reason to take "Hollis" for a
name, so the door keeps, with the conversation, what was redacted earlier, and proposes those
tokens again in later messages. This module decides *which* tokens to keep and *where* they
recur; it never stores anything and never sees a key: the door turns each token into a keyed
hash before keeping it (``bot.channels.door``), so the memory holds no identifier, only hashes
that mean nothing without the server secret and the conversation.

* Words of names, places, schools and addresses are kept one by one (not role words, titles,
  street or school words, or function words), and so are the digits of numbers and the names
  inside handles and emails.
* A kept word that is also an ordinary English word or a word-name ("Hill", "Will", "Mark") only
  matches later when it is capitalised and reads as a name (mid-sentence, or followed by a
  verb such as "said"), so "I hit the mark" and "up the hill" survive; other words ("Hollis",
  "Okonkwo") match in any case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from bot.anonymise.lexicon import lexicon
from bot.anonymise.locations import is_sentence_start
from bot.anonymise.names import NAME_VERBS_AFTER, STOPWORDS, TITLES, RuleHit
from bot.anonymise.spans import Candidate, Span

_INITIALS_KEY = "initials:"
_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]{2,3}|(?:[A-Z]\.\s?){1,2}[A-Z]\.?)(?![\w])")
_NAME_FOLLOWERS = NAME_VERBS_AFTER | frozenset(
    """is was has had family denies admits claims insists agrees refuses accepts declined
    accepted attended did does will would still never always keeps kept understands understood
    needs seems wants""".split()
)

__all__ = ["P_REMEMBERED", "detect_in_conversation", "memory_tokens", "recalled_candidates"]

#: Priority of a remembered span: below every rule, so a more specific type found in the new
#: message wins a tie, but a remembered span is never dropped (spans are unioned).
P_REMEMBERED = 10

_WORD_TYPES = frozenset({"NAME", "PLACE", "SCHOOL", "ADDRESS"})
_NUMBER_TYPES = frozenset({"PHONE", "NHS_NUMBER", "NI_NUMBER", "POSTCODE", "REFERENCE"})
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_HANDLE_WORD = re.compile(r"(?<![\w@.])[A-Za-z0-9_.]*[A-Za-z][A-Za-z0-9_.]*[0-9_][A-Za-z0-9_.]*")
_NUMBER = re.compile(r"(?<![\w+])\+?\d(?:[ \-.()]{0,2}\d){2,15}(?![\d])")
_ALNUM = re.compile(r"(?<![\w])[A-Za-z]{1,2}\d[A-Za-z\d]{1,3}\s?\d[A-Za-z]{2}(?![\w])")
# Words inside a school, street or organisation name that identify nobody on their own.
_GENERIC = frozenset(
    """school primary secondary academy nursery infant infants junior juniors college sixth
    form surgery practice medical centre center health hospital clinic hub family children
    church house flat flats court road rd street st lane ln avenue ave close way drive dr place
    crescent gardens park grove terrace square hill view rise green mews row walk parade
    estate north south east west upper lower new old great little saint st the of and""".split()
)


def _canonical_number(raw: str) -> str:
    """Digits and letters only, upper case, a UK +44 written as a leading 0."""
    chars = re.sub(r"[^0-9A-Za-z]", "", raw).upper()
    if raw.lstrip().startswith("+44"):
        chars = "0" + chars[2:]
    elif chars.startswith("0044"):
        chars = "0" + chars[4:]
    return chars


def _key(word: str) -> str:
    """How a word is remembered and looked up: lower case, without apostrophes (O'Neill)."""
    return word.lower().replace("'", "")


def _keepable_word(word: str) -> bool:
    lex = lexicon()
    low = word.lower()
    return (
        len(low) >= 2 and low not in STOPWORDS and low not in TITLES and low not in lex.keep_words
    )


def memory_tokens(text: str, spans: Iterable[Span]) -> dict[str, str]:
    """The tokens worth remembering from ``text``'s redacted ``spans``, each with its type.

    Args:
        text: The normalised text the spans refer to.
        spans: What the anonymiser redacted in it.

    Returns:
        ``{token: type}``; words lower case, numbers as canonical digits.
    """
    out: dict[str, str] = {}
    for span in spans:
        original = text[span.start : span.end]
        if span.type in _WORD_TYPES:
            _remember_words(out, original, span.type)
        elif span.type in _NUMBER_TYPES:
            _remember_number(out, original, span.type)
        elif span.type in {"HANDLE", "EMAIL"}:
            _remember_handle(out, original, span.type)
    return out


def _remember_words(out: dict[str, str], original: str, kind: str) -> None:
    """Add the words of a name, place, school or address span (and a name's initials) to ``out``.

    ``setdefault``: the first span that gave a token decides its type, as in one pass.
    """
    # Street and school words identify nobody, but an unnumbered "street" may be a
    # person ("Mark Hill" read as a road): only a numbered address or a school drops them.
    numbered = any(ch.isdigit() for ch in original)
    generic = _GENERIC if kind == "SCHOOL" or numbered else frozenset()
    for word in _WORD.findall(original):
        word = re.sub(r"'s$", "", word)
        parts = [word, *word.split("-")] if "-" in word else [word]
        for part in parts:
            if _keepable_word(part) and part.lower() not in generic:
                out.setdefault(_key(part), kind)
    words = [w for w in _WORD.findall(original) if w.lower() not in TITLES]
    if kind == "NAME" and 2 <= len(words) <= 3:
        # "Kelly Thompson" may come back as "KT" or "K.T."
        out.setdefault(_INITIALS_KEY + "".join(w[0] for w in words).lower(), "NAME")


def _remember_number(out: dict[str, str], original: str, kind: str) -> None:
    """Add a number's canonical digits to ``out``, if it has enough digits to identify anyone."""
    canonical = _canonical_number(original)
    if sum(ch.isdigit() for ch in canonical) >= 3:
        out.setdefault(canonical, kind)


def _remember_handle(out: dict[str, str], original: str, kind: str) -> None:
    """Add a handle's or email's local part to ``out``, and the name-like words inside it."""
    local = original.lstrip("@").split("@")[0].lower()
    if len(local) >= 3:
        out.setdefault(local, kind)
    for word in _WORD.findall(local):
        if _keepable_word(word) and not _ordinary(word.lower()):
            out.setdefault(word.lower(), "NAME")


def _ordinary(low: str) -> bool:
    """An English word or a first name that is also a word: it needs name-like use to match."""
    lex = lexicon()
    return low in lex.english or low in lex.ambiguous


def _reads_as_name(text: str, start: int, end: int) -> bool:
    """A word this conversation has used as a name, used like one again.

    Followed by a verb a person does ("Hill said", "marsh refused", "Pat has moved in"), by
    "family" or a possessive, or capitalised mid-sentence; "up the hill" and "I will" are not.
    """
    after = text[end : end + 24]
    if after.startswith("'s") and text[start].isupper():
        return True
    following = _WORD.match(after.lstrip()) if after[:1].isspace() else None
    if following is not None and following.group().lower() in _NAME_FOLLOWERS:
        return True
    return text[start].isupper() and not is_sentence_start(text, start)


def recalled_candidates(text: str, known: Callable[[str], str | None]) -> list[Candidate]:
    """Spans of ``text`` that repeat a remembered token.

    Args:
        text: A later message of the conversation, normalised.
        known: Returns the remembered type of a token (as :func:`memory_tokens` spells it), or
            ``None``; the door answers it from keyed hashes.

    Returns:
        Candidates of the remembered types, at :data:`P_REMEMBERED`.
    """
    return [
        *_recalled_words(text, known),
        *_recalled_initials(text, known),
        *_recalled_numbers(text, known),
        *_recalled_handles(text, known),
    ]


def _recalled_words(text: str, known: Callable[[str], str | None]) -> Iterator[Candidate]:
    """Remembered words; one that is also an ordinary word only where it reads as a name."""
    for m in _WORD.finditer(text):
        word = m.group()
        end = m.end()
        if word.endswith("'s"):
            word, end = word[:-2], end - 2
        low = _key(word)
        if len(low) < 2:
            continue
        kind = known(low)
        if kind is None:
            continue
        if _ordinary(low) and not _reads_as_name(text, m.start(), end):
            continue
        yield Candidate(m.start(), end, kind, P_REMEMBERED)


def _recalled_initials(text: str, known: Callable[[str], str | None]) -> Iterator[Candidate]:
    """Initials ("KT", "K.T.") of a remembered two- or three-word name."""
    for m in _INITIALS.finditer(text):
        kind = known(_INITIALS_KEY + re.sub(r"[^A-Za-z]", "", m.group()).lower())
        if kind is not None:
            yield Candidate(m.start(), m.end(), kind, P_REMEMBERED)


def _recalled_numbers(text: str, known: Callable[[str], str | None]) -> Iterator[Candidate]:
    """Remembered numbers however they are spaced or prefixed this time (compared canonically)."""
    for pattern in (_NUMBER, _ALNUM):
        for m in pattern.finditer(text):
            kind = known(_canonical_number(m.group()))
            if kind is not None:
                yield Candidate(m.start(), m.end(), kind, P_REMEMBERED)


def _recalled_handles(text: str, known: Callable[[str], str | None]) -> Iterator[Candidate]:
    """A remembered handle or email local part, written on its own."""
    for m in _HANDLE_WORD.finditer(text):
        kind = known(m.group().lower())
        if kind is not None:
            yield Candidate(m.start(), m.end(), kind, P_REMEMBERED)


def detect_in_conversation(
    text: str,
    known: Callable[[str], str | None] | None,
    trace: list[RuleHit] | None = None,
) -> tuple[list[Span], dict[str, str]]:
    """Detect identifiers in one normalised message of a conversation, and what to remember.

    Args:
        text: The message, normalised.
        known: What the conversation remembers (see :func:`recalled_candidates`), or ``None``
            for its first message.
        trace: If given, which name rule decided each word is appended (the evaluator's
            ``--rules`` report; see :func:`bot.anonymise.core.detect_with_rules`).

    Returns:
        The spans (remembered repeats included) and the tokens this message adds to memory.
    """
    from bot.anonymise.core import detect_normalised  # core does not import this module

    extra = recalled_candidates(text, known) if known is not None else []
    spans = detect_normalised(text, extra, trace)
    return spans, memory_tokens(text, spans)
