"""Anonymise what only the parts of a draft identify together.

A reflection can be written in several messages ("Add more"). Each message is anonymised at the
door on its own, so an identifier split across two of them passes twice as harmless fragments:
"her number was 07700 900" then "123", "postcode BN1" then "1AA", "Kelly" then "Smith". The
draft is therefore anonymised again each time a part is added, over the parts joined by a
space, so the detector sees the identifier whole.

Earlier parts already hold placeholders ("[POSTCODE 1]"), and a placeholder hides the context a
fragment needs ("[POSTCODE 1] 1AA" is no postcode to a detector). Each placeholder is therefore
read as a typical identifier of its type (a *stand-in*: "BN1" for a postcode, "Kayden" for a
name) while detecting, and what is found is mapped back:

* a find inside one stand-in is the placeholder itself, already redacted: nothing to do;
* a find that is one placeholder of its own type plus fragments ("[NAME 1] Smith",
  "[POSTCODE 1] 1AA") becomes that placeholder, so the numbering the practitioner reads stays
  consistent;
* any other find (new text, or text spanning several placeholders or another type) becomes a
  new placeholder numbered after the highest of its type already in the draft.

Fails closed like :func:`bot.anonymise.anonymise`: an error withholds the added part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.anonymise.core import FAILED_TEXT, detect
from bot.anonymise.spans import Span

__all__ = ["PARAGRAPH", "anonymise_joined"]

PARAGRAPH = "\n\n"
_PLACEHOLDER = re.compile(r"\[([A-Z_]+) (\d+)\]")

# What each placeholder stands for while detecting: typical, unambiguous values of the type.
_STAND_INS: dict[str, str] = {
    "NAME": "Kayden",
    "ADDRESS": "14 Seaview Road",
    "POSTCODE": "BN21",
    "PHONE": "01273 481000",
    "EMAIL": "kayden@example.com",
    "URL": "example.com",
    "HANDLE": "@kayden_x",
    "NHS_NUMBER": "943 476 5919",
    "NI_NUMBER": "QQ 12 34 56 C",
    "DATE": "3 May 2019",
    "AGE": "7",
    "REFERENCE": "REF 4471",
    "SCHOOL": "Hillcrest Academy",
    "PLACE": "Hastings",
}


def anonymise_joined(parts: Sequence[str], separator: str = PARAGRAPH) -> str:
    """The parts (each already anonymised at the door) joined by ``separator``, anonymised whole.

    Args:
        parts: Anonymised messages in the order written; each may hold placeholders.
        separator: What joins them in the result (a blank line: one paragraph per message).

    Returns:
        The joined text with identifiers that span parts, or that a placeholder's neighbour
        completes, replaced. Text already anonymised keeps its placeholders and numbers.
    """
    kept = [part.strip() for part in parts if part.strip()]
    if not kept:
        return ""
    try:
        return _anonymise_joined(kept, separator)
    except Exception:
        return separator.join([*kept[:-1], FAILED_TEXT])


def _anonymise_joined(parts: list[str], separator: str) -> str:
    joined = separator.join(parts)
    # Read every run of whitespace as one space so a number split over two messages reads as
    # one; keep a map back to ``joined`` (the detector's offsets are on ``reading``).
    reading_chars: list[str] = []
    to_joined: list[int] = []
    placeholders: list[tuple[int, int, str, int]] = []  # on reading: start, end, type, number
    position = 0
    for match in _PLACEHOLDER.finditer(joined):
        _read_plain(joined, position, match.start(), reading_chars, to_joined)
        kind, number = match.group(1), int(match.group(2))
        stand_in = _STAND_INS.get(kind, match.group(0))
        start = len(reading_chars)
        reading_chars.extend(stand_in)
        to_joined.extend([match.start()] * len(stand_in))
        placeholders.append((start, len(reading_chars), kind, number))
        position = match.end()
    _read_plain(joined, position, len(joined), reading_chars, to_joined)
    to_joined.append(len(joined))
    reading = "".join(reading_chars)
    reading_spans = detect(reading)  # offsets on ``reading``, normalised or not
    return _absorb_fragments(_rewrite(joined, reading_spans, placeholders, to_joined))


# A number's placeholder on one side of a message break and a bare run of digits on the other:
# the digits are the rest of that number ("07700" then "900901" the door read as a reference).
_NUMERIC = r"\[(?:PHONE|NHS_NUMBER|NI_NUMBER|REFERENCE|DATE|POSTCODE) \d+\]"
_DIGITS = r"\d[\d ]*\d|\d"
_DIGITS_BEFORE = re.compile(rf"(?<![\w\]])(?:{_DIGITS})\s*\n\s*\n\s*({_NUMERIC})")
_DIGITS_AFTER = re.compile(rf"({_NUMERIC})\s*\n\s*\n\s*(?:{_DIGITS})(?![\w\[])")


def _absorb_fragments(text: str) -> str:
    """Fold digits split from a number's placeholder by a message break into that placeholder.

    The detector reads a placeholder as a typical value of its type, which cannot complete a
    number of another type: "07700" then "900901" (read alone as a reference) is a phone split
    in two, and no stand-in reassembles it. A run of digits touching a numeric placeholder
    across a break is always part of it.
    """
    previous = None
    while previous != text:
        previous = text
        text = _DIGITS_BEFORE.sub(r"\1", text)
        text = _DIGITS_AFTER.sub(r"\1", text)
    return text


def _read_plain(joined: str, start: int, end: int, out: list[str], to_joined: list[int]) -> None:
    """Copy ``joined[start:end]`` to the reading text, any whitespace run as one space."""
    index = start
    while index < end:
        char = joined[index]
        if char.isspace():
            run_end = index
            while run_end < end and joined[run_end].isspace():
                run_end += 1
            out.append(" ")
            to_joined.append(index)
            index = run_end
            continue
        out.append(char)
        to_joined.append(index)
        index += 1


def _rewrite(
    joined: str,
    spans: list[Span],
    placeholders: list[tuple[int, int, str, int]],
    to_joined: list[int],
) -> str:
    highest: dict[str, int] = {}
    for _, _, kind, number in placeholders:
        highest[kind] = max(highest.get(kind, 0), number)
    replacements: list[tuple[int, int, str]] = []  # on joined
    numbers: dict[tuple[str, str], int] = {}
    for span in spans:
        inside = [p for p in placeholders if p[0] < span.end and span.start < p[1]]
        if len(inside) == 1 and inside[0][0] <= span.start and span.end <= inside[0][1]:
            continue  # the stand-in itself: already a placeholder
        # Widen to whole placeholders, so none is cut in half.
        start = min([span.start, *(p[0] for p in inside)])
        end = max([span.end, *(p[1] for p in inside)])
        joined_start, joined_end = to_joined[start], _joined_end(to_joined, end, joined)
        if len(inside) == 1 and inside[0][2] == span.type:
            label = f"[{span.type} {inside[0][3]}]"
        else:
            key = (span.type, " ".join(joined[joined_start:joined_end].lower().split()))
            if key not in numbers:
                highest[span.type] = highest.get(span.type, 0) + 1
                numbers[key] = highest[span.type]
            label = f"[{span.type} {numbers[key]}]"
        replacements.append((joined_start, joined_end, label))
    merged: list[tuple[int, int, str]] = []
    for start, end, label in sorted(replacements):
        if merged and start < merged[-1][1]:  # two finds met inside one placeholder
            first = merged.pop()
            start, end, label = first[0], max(end, first[1]), first[2]
        merged.append((start, end, label))
    out = joined
    for start, end, label in reversed(merged):
        out = f"{out[:start]}{label}{out[end:]}"
    return out


def _joined_end(to_joined: list[int], end: int, joined: str) -> int:
    """The offset in ``joined`` just after the reading character ``end - 1``."""
    last = to_joined[end - 1]
    match = _PLACEHOLDER.match(joined, last)
    if match is not None and joined[last] == "[":
        return match.end()
    return last + 1
