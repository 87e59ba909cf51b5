"""The door on arbitrary Unicode: refuses or cleans, never crashes, always emits valid UTF-8.

Issue 15 (bad input): whatever a client sends as a message or a sender id (lone surrogates,
NUL, controls, bidi overrides, ZWJ emoji, prompt-like text, 6,000 characters), the door returns
a :class:`Cleaned` whose text encodes as UTF-8 and is bounded, or raises :class:`DoorError`
with a sentence for the user; the anonymiser inside never fails closed on it. (Cleaning what
it already cleaned is not always a no-op: see tests/bot/anonymise/test_unicode.py.)
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from bot.anonymise import FAILED_TEXT
from bot.channels.door import MAX_NORMALISED_CHARS, Cleaned, Door, DoorError
from tests.fuzzing import EXAMPLES, wild_text

DOOR = Door.create(
    secret=b"unicode-fuzz-secret-0123456789abcd", payload_values=(), intents=("greet",)
)
#: Minutes of CPU with the other Unicode fuzz modules: with the slow tests (make test-e2e, fuzz).
pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=4_000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _clean(text: str) -> Cleaned | None:
    try:
        return DOOR.clean(text)
    except DoorError as refused:
        assert str(refused).strip()
        return None


@FUZZ
@given(text=wild_text())
def test_any_message_is_cleaned_to_valid_utf8_or_refused(text: str) -> None:
    EXAMPLES["door.clean"] += 1
    cleaned = _clean(text)
    if cleaned is None:
        return
    cleaned.text.encode("utf-8")  # no surrogate survives
    assert cleaned.text != FAILED_TEXT, "the anonymiser failed closed"
    assert 0 < len(cleaned.text) <= MAX_NORMALISED_CHARS + 2_000


@settings(FUZZ, max_examples=1_000)
@given(sender=wild_text(60))
def test_any_sender_id_is_hashed_or_refused(sender: str) -> None:
    EXAMPLES["door.pseudonymise"] += 1
    try:
        hashed = DOOR.pseudonymise(sender, channel="rest")
    except DoorError:
        return
    assert hashed.isascii() and hashed == DOOR.pseudonymise(sender, channel="rest")
