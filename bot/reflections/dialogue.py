"""The conversation around a reflection: is it one, what will be saved, saving, withdrawing.

Storage itself is bot/reflections/service.py; this module decides what the practitioner is told and
applies the rules the conversation promises (nothing saved without confirmation, no "ok" saved
as a reflection, a receipt shown once).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.anonymise import placeholder_only
from bot.anonymise.joined import anonymise_joined
from bot.content.messages import Message, render
from bot.content.schema import Pack
from bot.reflections import agencies
from bot.reflections.agencies import AGENCY_WORDS
from bot.reflections.receipts import (
    RECEIPTS_METADATA_KEY,
    attempt_key,
    idempotency_key,
    new_receipt_token,
    receipt_placeholder,
    receipt_token_for,
    stored_receipt,
)
from bot.reflections.service import (
    WITHDRAWAL_GLOBAL_FAILURES_PER_DAY,
    Receipt,
    WithdrawalOutcome,
    attempt_withdrawal,
    record_reflection,
)
from bot.safety.net import Signal, assess, is_question
from bot.safety.views import front_door_message
from bot.storage.models import AGENCIES, MAX_TEXT_LENGTH
from bot.storage.session import transaction

PREFER_NOT_TO_SAY = "prefer_not_to_say"
GENERAL_POINT_ID = "general"
MIN_WORDS = 3

# Replies that are clearly not a reflection, however they are punctuated.
_NOT_REFLECTIONS = frozenset(
    """ok okay k yes yeah yep no nope nah fine thanks thank you cheers done nothing none na n/a
    idk dunno not sure no comment pass skip next test testing hello hi hmm""".split()
) | {"thank you", "no comment", "not sure", "n/a"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# The agency words, plus the answers that decline to give one (a reflection's agency is optional).
_AGENCY_WORDS: dict[str, tuple[str, ...]] = {
    **AGENCY_WORDS,
    PREFER_NOT_TO_SAY: ("prefer not", "rather not", "not say", "skip", "no thanks", "none"),
}


class NotAReflection(ValueError):
    """The text cannot be saved as a reflection; ``message`` says why, kindly."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text)
        self.message = message


@dataclass(frozen=True)
class Draft:
    """What the practitioner has written so far (already anonymised at the door)."""

    text: str

    def add(self, more: str) -> Draft:
        """The draft with another message appended, as a new paragraph, anonymised whole.

        Each message was anonymised alone at the door, so an identifier split over two
        messages ("07700 900" then "123") passed as two harmless fragments; the draft is read
        again whole (:func:`bot.anonymise.joined.anonymise_joined`) before it is shown.
        """
        return Draft(anonymise_joined([self.text, more]))


def check_reflection(text: str) -> None:
    """Raise :class:`NotAReflection` for empty, placeholder-only or throwaway text ("ok")."""
    stripped = text.strip()
    if not stripped:
        raise NotAReflection(render("reflection_empty"))
    if is_throwaway(stripped) or stripped.startswith("/"):
        raise NotAReflection(render("reflection_not_a_reflection"))
    if placeholder_only(stripped):
        raise NotAReflection(render("reflection_placeholder_only"))
    words = [word.lower() for word in _WORD.findall(stripped)]
    if (
        len([word for word in words if word not in _NOT_REFLECTIONS]) < MIN_WORDS - 1
        or len(words) < MIN_WORDS
    ):
        # "ok ok ok" and "no thank you" have three words but say nothing.
        raise NotAReflection(render("reflection_not_a_reflection"))
    if len(stripped) > MAX_TEXT_LENGTH:
        raise NotAReflection(render("reflection_too_long", limit=str(MAX_TEXT_LENGTH)))


def find_agency(text: str) -> str | None:
    """The agency category a typed answer names (or "prefer not to say"), or None."""
    return agencies.find_agency(text, _AGENCY_WORDS)


def is_throwaway(text: str) -> bool:
    """A reply that says nothing ("ok", "thanks", "next"), however it is punctuated."""
    return text.strip().lower().strip(" .!?") in _NOT_REFLECTIONS


def point_id_for(pack: Pack, point_number: object) -> str:
    """The discussion point a reflection answers, or "general" outside the discussion."""
    if (
        isinstance(point_number, (int, float))
        and not isinstance(point_number, bool)
        and 1 <= point_number <= len(pack.discussion_points)
    ):
        return pack.discussion_points[int(point_number) - 1].id
    return GENERAL_POINT_ID


def preview_message(draft: Draft) -> Message:
    """Exactly what would be saved, quoted, with Save / Add more / Edit / Discard."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in draft.text.splitlines())
    return render("reflection_preview", reflection=quoted)


class DraftCheck(str, Enum):
    """What a draft with a new part added reads as, and so what the conversation does next.

    The values are the ``draft_check`` slot's, which the rules branch on.
    """

    PREVIEW = "preview"  # a reflection: show exactly what would be saved
    URGENT = "urgent"  # a live concern: 999 / SPoA at once, nothing kept
    CHECK = "check"  # maybe a live concern: ask "is this about a child now?" before any preview


@dataclass(frozen=True)
class DraftDecision:
    """The outcome of :func:`check_draft`.

    ``draft`` is the draft to keep: the longer one for PREVIEW, the earlier one while asking
    (CHECK) or when the addition made it too long, none for URGENT. ``messages`` are said
    first (the "too long" explanation).
    """

    outcome: DraftCheck
    draft: str
    messages: tuple[Message, ...] = ()


def check_draft(*, previous: str, added: str, checked: bool = False) -> DraftDecision:
    """Join a new part to the draft and decide, on the whole draft, whether to preview it.

    The safety net reads each message alone, so a worry written over several messages ("the
    ex is back at the house" ... "the kids are 3 and 6, should I do something?") passes it
    part by part. The joined draft is therefore assessed again before it is previewed: a live
    concern is answered at once and never previewed; a possible one is asked about first,
    unless the practitioner has already said it is not about a child now (``checked``) or the
    earlier draft alone was already asked about.
    """
    draft = Draft(previous).add(added) if previous.strip() else Draft(added.strip())
    if len(draft.text) > MAX_TEXT_LENGTH:
        too_long = render("reflection_too_long", limit=str(MAX_TEXT_LENGTH))
        return DraftDecision(DraftCheck.PREVIEW, previous, (too_long,))
    signal = assess(draft.text).signal
    if signal is Signal.URGENT:
        return DraftDecision(DraftCheck.URGENT, "")
    if signal is Signal.CHECK and not checked and assess(previous).signal is not Signal.CHECK:
        return DraftDecision(DraftCheck.CHECK, previous)
    return DraftDecision(DraftCheck.PREVIEW, draft.text)


@dataclass(frozen=True)
class AfterCheck:
    """What to say once the practitioner has said a message was not about a child now.

    ``draft`` is the new draft to keep (it is previewed, never saved), or None to keep none;
    ``urgent`` means the draft as a whole reads as a live concern after all: answer it with
    999 / SPoA and keep nothing.
    """

    messages: tuple[Message, ...]
    draft: str | None = None
    urgent: bool = False


def after_concern_check(
    *, pack: Pack, text: str, drafting: bool, draft: str, others: Sequence[Pack] = ()
) -> AfterCheck:
    """Carry on as if the message had been typed normally, now that it is not a live concern.

    The safety net held the message back ("is this about a child you are worried about now?");
    nothing was previewed or saved. Now the practitioner has said no:

    * while writing a reflection, the message joins the draft and the draft is previewed,
      exactly as the form would have done (a throwaway message is refused the same way);
    * otherwise a question gets the front-door contacts (right whether it was asked in general
      or about a child), and anything else is offered as a reflection: previewed, never saved
      until the practitioner presses Save.

    ``others`` are further partnerships whose front doors the answer adds (before a briefing
    is chosen among several: :func:`bot.safety.views.front_door_message`).
    """
    if drafting:
        try:
            check_reflection(text)
        except NotAReflection as problem:
            return AfterCheck((problem.message,))
        decision = check_draft(previous=draft, added=text, checked=True)
        if decision.outcome is DraftCheck.URGENT:
            return AfterCheck((), None, urgent=True)
        shown = Draft(decision.draft)
        return AfterCheck((*decision.messages, preview_message(shown)), shown.text)
    if not text.strip() or is_question(text):
        return AfterCheck((front_door_message(pack, others),))
    try:
        check_reflection(text)
    except NotAReflection:
        return AfterCheck((front_door_message(pack, others),))
    offered = Draft(text)
    return AfterCheck((render("concern_check_offer"), preview_message(offered)), offered.text)


def save(
    *,
    factory: sessionmaker,
    pack: Pack,
    point_number: object,
    text: str,
    agency: str | None,
    channel_kind: str,
    secret: bytes,
    today: date,
    group_ref: str | None = None,
    sender_id: str | None = None,
    kind: str = "reflection",
) -> Receipt:
    """Check and store a confirmed reflection in its own transaction; return the receipt.

    ``kind`` "followup" stores an answer to the follow-up (bot/followup) instead; its
    idempotency key covers the kind, so the same words as a reflection are a different save.

    ``group_ref`` tags it to the group session the practitioner joined (bot/group), if any.
    With ``sender_id`` the save is idempotent (:func:`bot.reflections.receipts.idempotency_key`
    of the conversation, the point and the text): sent again, by a retry or a duplicated
    message, it stores nothing new and returns the first save's receipt. The receipt is only
    returned once the transaction has committed, so "saved" is never said before.
    """
    check_reflection(text)
    chosen = agency if agency in AGENCIES else None
    point_id = point_id_for(pack, point_number)
    key = (
        None
        if sender_id is None
        else idempotency_key(
            sender_id, pack_id=pack.id, point_id=point_id, text=text, secret=secret, kind=kind
        )
    )
    token = new_receipt_token() if key is None else receipt_token_for(key, secret=secret)

    def record() -> Receipt:
        with transaction(factory) as session:
            return record_reflection(
                receipt_token=token,
                session=session,
                text=text,
                pack_id=pack.id,
                pack_version=pack.version,
                point_id=point_id,
                agency=chosen,
                channel_kind=channel_kind,
                secret=secret,
                today=today,
                group_ref=group_ref,
                idempotency_key=key,
                kind=kind,
            )

    try:
        return record()
    except IntegrityError:
        if key is None:
            raise
        return record()  # the same save committed meanwhile (another replica): its receipt


def receipt_message(receipt: Receipt) -> Message:
    """The receipt, shown once.

    Inside Rasa it is a token; the channel turns it into the code on the way out, so neither
    the tracker store nor a log line ever holds a working code.
    """
    shown = receipt_placeholder(receipt.token) if receipt.token else receipt.code
    return render("reflection_saved", receipt_code=shown)


def withdraw(
    *,
    factory: sessionmaker,
    receipts: Sequence[str],
    sender_id: str,
    secret: bytes,
    today: date,
    global_failures_per_day: int = WITHDRAWAL_GLOBAL_FAILURES_PER_DAY,
) -> Message:
    """Try to withdraw (delete) what a typed receipt code belongs to; say what happened.

    A receipt code may belong to a reflection or to a group session's minutes (one code space,
    one daily limit on failures: :func:`bot.reflections.service.attempt_withdrawal`).

    ``receipts`` are the keyed hashes the door put in the message's metadata in place of the
    code-shaped tokens typed (the first is tried); none means the message held no code.
    """
    if not receipts:
        return render("withdraw_not_a_code")
    with transaction(factory) as session:
        outcome = attempt_withdrawal(
            session=session,
            digest=stored_receipt(receipts[0], secret=secret),
            sender_key=attempt_key(sender_id, secret=secret, day=today),
            today=today,
            max_global_failures=global_failures_per_day,
        )
    return {
        WithdrawalOutcome.WITHDRAWN: render("withdraw_done"),
        WithdrawalOutcome.MINUTES_WITHDRAWN: render("withdraw_minutes_done"),
        WithdrawalOutcome.NOT_FOUND: render("withdraw_not_found"),
        WithdrawalOutcome.TOO_MANY_ATTEMPTS: render("withdraw_too_many"),
    }[outcome]


_HASH = re.compile(r"[0-9a-f]{64}")


def receipts_in(metadata: object) -> tuple[str, ...]:
    """The keyed receipt hashes the door put in a message's metadata (malformed ones ignored)."""
    found = metadata.get(RECEIPTS_METADATA_KEY) if isinstance(metadata, dict) else None
    if not isinstance(found, list):
        return ()
    return tuple(h for h in found if isinstance(h, str) and _HASH.fullmatch(h))


def withdraw_failed_message() -> Message:
    """The database could not be reached: nothing was deleted, try again later."""
    return render("withdraw_failed")


def privacy_message(*, pack: Pack, retention_days: int, tracker_retention_days: int) -> Message:
    """What is stored, what is not, who sees it: the answer to "is this anonymous?"."""
    return render(
        "privacy",
        partnership=pack.partnership,
        retention_days=str(retention_days),
        tracker_retention_days=str(tracker_retention_days),
    )
