"""Whether the safety net can read a message at all: most of its words must be English.

Every rule of the net is written in English. A live concern written in Polish, French or
Romanian matches none of them, so without this it would be read as "nothing worrying" and could
be previewed and saved as a reflection (found by the issue 15 attack). The net cannot understand
those messages, but it can tell that it does not: when at least :data:`MIN_WORDS` words are
present and fewer than :data:`MIN_KNOWN_SHARE` of them are English words (the anonymiser's
British word list, SCOWL size 35, plus its practice vocabulary: MASH, SPoA, LADO ...), the net
answers CHECK, so the practitioner is asked whether it is about a child they are worried about
now before anything is previewed or saved. Reversed text and other scripts fail the same test.

The door runs this on the message as typed, before anonymising (a sentence in another script
reaches Rasa as a name placeholder), and says so in the message metadata; the net then asks.
Each sentence is judged too, so one English sentence first cannot carry a sentence in another
language past the net (issue 16 attack). Short messages and sentences are left alone (a word
or two of greeting in any language is not a report), and the door's placeholders ("[NAME 1]",
normalised to "xxname") are not counted either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.anonymise.lexicon import lexicon
from bot.safety.normalise import unleet

#: The door's metadata key saying the message as typed was unreadable (bot/channels/door.py).
UNREADABLE_METADATA_KEY = "unreadable"
#: Fewer words than this are not judged: "merci", "dziękuję bardzo", "ok ta".
MIN_WORDS = 5
#: This many words written with digits for letters make a message one the net must ask about.
MIN_LEET_WORDS = 3
#: The share of English words below which the net says it cannot read the message.
MIN_KNOWN_SHARE = 0.5
#: In few words, this many letters, mostly beyond Latin, are a sentence in another script.
MIN_LETTERS = 8
_LAST_LATIN = 0x024F  # the end of Latin Extended-B: accented Latin letters are still Latin

# Where a sentence ends, in any script (Latin, Arabic, Devanagari, CJK full stops).
_SENTENCE_END = re.compile(r"[.!?;\n\u061f\u06d4\u0964\u3002\uff01\uff1f]+")
_TOKENS = re.compile(r"[a-z0-9]+")
# Runs of letters in any script: underscores and punctuation split words.
_WORDS = re.compile(r"[^\W\d_]+")
# A whitespace-separated token with a digit, an address or a path in it is a code, a postcode,
# a date or a link, in no language: "withdraw HT3LM-9QW2R" is two words, not six.
# (ASCII only: a sentence of Chinese has no spaces to end a token at.)
# Markup and code ("<img src=x onerror=...>", "{json}") are not words of any language either.
_NOT_WORDS = re.compile(r"[!-~]*(?:\d|://|www\.|@|/|[<>={}\[\]|\\^~`])[!-~]*")


def _known(word: str) -> bool:
    words = lexicon()
    return word in words.english or word in words.keep_words


def _mostly_other_script(words: list[str]) -> bool:
    """Chinese, Japanese or Thai need no spaces: judge by letters when words cannot be counted."""
    letters = [c for word in words for c in word]
    if len(letters) < MIN_LETTERS:
        return False
    other = sum(1 for c in letters if ord(c) > _LAST_LATIN)
    return other >= MIN_KNOWN_SHARE * len(letters)


def _judged(words: list[str]) -> bool:
    if len(words) < MIN_WORDS:
        return _mostly_other_script(words)
    known = sum(1 for word in words if _known(word))
    return known < MIN_KNOWN_SHARE * len(words)


def _any_sentence(text: str, judge: Callable[[str], bool]) -> bool:
    """The whole text, or any one sentence of it: an English opening must not hide the rest."""
    if judge(text):
        return True
    sentences = [part for part in _SENTENCE_END.split(text) if part.strip()]
    return len(sentences) > 1 and any(judge(sentence) for sentence in sentences)


def _unreadable_text(normalised: str) -> bool:
    words = [w for w in _WORDS.findall(_NOT_WORDS.sub(" ", normalised)) if not w.startswith("xx")]
    return _judged(words)


def unreadable(normalised: str) -> bool:
    """True when ``normalised`` (bot.safety.normalise output) is mostly not English words.

    Or when one of its sentences is.
    """
    return _any_sentence(normalised, _unreadable_text)


def unreadable_as_typed(text: str) -> bool:
    """:func:`unreadable` for a message as typed, names and all (the door's view).

    Words with a capital Latin first letter are left out: in an English message they are
    mostly names and places ("spoke to Kayleigh Okonkwo at Hollington" is English), which the
    word list does not know. A sentence in another language keeps most of its words.
    """
    return _any_sentence(text, _unreadable_as_typed)


def _unreadable_as_typed(text: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(_NOT_WORDS.sub(" ", text)) if not _capital(w)]
    return _judged(words) or _leetspeak(text)


def _leetspeak(text: str) -> bool:
    """Several words written with digits for letters ("r1ght n0w", "b34ts h1m").

    The anonymiser may take them for postcodes, so the net would read only what is left; a
    message that hides its words so is asked about.
    """
    tokens = _TOKENS.findall(text.lower())
    return sum(1 for token in tokens if unleet(token) != token) >= MIN_LEET_WORDS


def _capital(word: str) -> bool:
    first = word[0]
    return first.isupper() and ord(first) <= _LAST_LATIN
