"""Strip names, dates of birth, addresses and other identifiers before anything is stored.

Every practitioner message passes through :func:`anonymise` at the channel door
(``bot/rasa_ext/``), so raw identifiers exist only in that request's memory. Plain Python: this
package never imports Rasa, and importing it reads no files (word lists load on first use).

Example:
    >>> from bot.anonymise import anonymise
    >>> anonymise("Spoke to mum Sarah at 14 Seaview Road, BN21 4UG").text
    'Spoke to mum [NAME 1] at [ADDRESS 1], [POSTCODE 1]'
"""

from bot.anonymise.core import (
    FAILED_TEXT,
    Redaction,
    anonymise,
    detect,
    placeholder_only,
    redact,
)
from bot.anonymise.spans import TYPES, Span

__all__ = [
    "FAILED_TEXT",
    "TYPES",
    "Redaction",
    "Span",
    "anonymise",
    "detect",
    "placeholder_only",
    "redact",
]
