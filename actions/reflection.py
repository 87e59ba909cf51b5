"""Actions for writing, confirming, saving and withdrawing reflections, and privacy answers."""

import logging
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import context, group, names
from actions.safety import say_urgent_answer
from bot.content.messages import render
from bot.cpd.covered import add_saved_reflection
from bot.followup import service as followups
from bot.reflections import dialogue
from bot.reflections.service import Receipt

Events = list[dict[str, Any]]
CLEARED = [SlotSet(names.SLOT_REFLECTION_TEXT, None), SlotSet(names.SLOT_REFLECTION_DRAFT, None)]
logger = logging.getLogger(__name__)


def no_followup(tracker: Tracker) -> Events:
    """Stop answering the follow-up (a new reflection, or the draft dropped), if one was."""
    return (
        [SlotSet(names.SLOT_FOLLOWUP_ID, None)] if tracker.get_slot(names.SLOT_FOLLOWUP_ID) else []
    )


class ActionStartReflection(Action):
    """Begin a new draft (also "write it again"): whatever was drafted before is dropped.

    "Add a reflection" starts an ordinary reflection, so a follow-up being answered is left;
    "write it again" rewrites the same one, follow-up answer or not.
    """

    def name(self) -> str:
        return "action_start_reflection"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return (
            [*CLEARED, *no_followup(tracker)] if intent == names.INTENT_ADD_REFLECTION else CLEARED
        )


class ActionCaptureReflection(Action):
    """A reflection typed without pressing "Add a reflection": keep it as the draft, preview it."""

    def name(self) -> str:
        return "action_capture_reflection"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        text = tracker.latest_message.get("text") or ""
        try:
            dialogue.check_reflection(text)
        except dialogue.NotAReflection as problem:
            dispatcher.utter_message(**problem.message.as_kwargs())
            return []
        draft = dialogue.Draft(text)
        dispatcher.utter_message(**dialogue.preview_message(draft).as_kwargs())
        return [SlotSet(names.SLOT_REFLECTION_DRAFT, draft.text)]


class ValidateReflectionForm(FormValidationAction):
    """Accepts a message into the draft only if it is a reflection (not "ok", not empty)."""

    def name(self) -> str:
        return "validate_reflection_form"

    def validate_reflection_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # cleared by action_start_reflection, not typed: nothing to check
            return {names.SLOT_REFLECTION_TEXT: None}
        try:
            dialogue.check_reflection(str(value))
        except dialogue.NotAReflection as problem:
            dispatcher.utter_message(**problem.message.as_kwargs())
            return {names.SLOT_REFLECTION_TEXT: None}
        return {names.SLOT_REFLECTION_TEXT: value}


class ActionCheckDraft(Action):
    """Join the new part to the draft and read the whole draft again before any preview.

    Sets ``draft_check``, which the rules branch on: preview it, answer a live concern at once,
    or ask whether it is about a child now (the new part is held, the earlier draft kept).
    """

    def name(self) -> str:
        return "action_check_draft"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        added = tracker.get_slot(names.SLOT_REFLECTION_TEXT) or ""
        decision = dialogue.check_draft(
            previous=tracker.get_slot(names.SLOT_REFLECTION_DRAFT) or "", added=added
        )
        for message in decision.messages:
            dispatcher.utter_message(**message.as_kwargs())
        events = [
            SlotSet(names.SLOT_DRAFT_CHECK, decision.outcome.value),
            SlotSet(names.SLOT_REFLECTION_TEXT, None),
            SlotSet(names.SLOT_REFLECTION_DRAFT, decision.draft or None),
        ]
        if decision.outcome is dialogue.DraftCheck.CHECK:
            events += [
                SlotSet(names.SLOT_CONCERN_CHECK_TEXT, added),
                SlotSet(names.SLOT_CONCERN_CHECK_DRAFTING, True),
            ]
        return events


class ActionAnswerUrgentDraft(Action):
    """The draft as a whole is a live concern: 999 and the front door at once; nothing kept."""

    def name(self) -> str:
        return "action_answer_urgent_draft"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        say_urgent_answer(dispatcher, tracker)
        # A follow-up being answered is not answered by this: a reflection typed later in this
        # conversation must not be saved as its answer.
        return [*CLEARED, SlotSet(names.SLOT_DRAFT_CHECK, None), *no_followup(tracker)]


class ActionPreviewReflection(Action):
    """Show exactly what would be saved, before anything is saved."""

    def name(self) -> str:
        return "action_preview_reflection"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        draft = dialogue.Draft(tracker.get_slot(names.SLOT_REFLECTION_DRAFT) or "")
        dispatcher.utter_message(**dialogue.preview_message(draft).as_kwargs())
        return [SlotSet(names.SLOT_REFLECTION_TEXT, None), SlotSet(names.SLOT_DRAFT_CHECK, None)]


class ActionSaveReflection(Action):
    """Store the confirmed draft with the chosen agency; show the receipt code once.

    While a follow-up is answered (``followup_id``) the follow-up is taken first, then the draft
    is saved as its answer, kind "followup". Taken already (answered in another conversation,
    where the widget asked it too), the draft is kept as a reflection: one answer per follow-up,
    and nothing typed is lost.
    """

    def name(self) -> str:
        return "action_save_reflection"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        chosen = next(tracker.get_latest_entity_values(names.ENTITY_AGENCY), None)
        agency = chosen or dialogue.find_agency(tracker.latest_message.get("text") or "")
        followup_id = tracker.get_slot(names.SLOT_FOLLOWUP_ID) or None
        try:
            answering = bool(followup_id) and followups.answered(
                context.session_factory(), context.settings(), str(followup_id)
            )
            receipt = dialogue.save(
                factory=context.session_factory(),
                pack=context.pack_for(tracker),
                point_number=tracker.get_slot(names.SLOT_POINT_NUMBER),
                text=tracker.get_slot(names.SLOT_REFLECTION_DRAFT) or "",
                agency=agency,
                channel_kind=tracker.get_latest_input_channel() or "unknown",
                secret=context.settings().secret,
                today=date.today(),
                group_ref=joined_session(tracker),
                sender_id=tracker.sender_id,
                kind="followup" if answering else "reflection",
            )
        except dialogue.NotAReflection as problem:
            dispatcher.utter_message(**problem.message.as_kwargs())
            return CLEARED
        except SQLAlchemyError:
            dispatcher.utter_message(**render("reflection_save_failed").as_kwargs())
            return []
        dispatcher.utter_message(**dialogue.receipt_message(receipt).as_kwargs())
        return [*CLEARED, *saved_events(tracker, receipt, followup_id)]


def saved_events(tracker: Tracker, receipt: Receipt, followup_id: str | None) -> Events:
    """After a save: the text joins ``reflections_saved``, and a follow-up answered is done.

    The CPD record quotes ``reflections_saved`` back; ``followup_id`` is cleared (the save took
    the follow-up first: bot.followup.service.answered). A repeated save (the same message
    again) adds nothing.
    """
    events: Events = []
    if not receipt.repeated:
        saved = add_saved_reflection(
            tracker.get_slot(names.SLOT_REFLECTIONS_SAVED),
            point_number=tracker.get_slot(names.SLOT_POINT_NUMBER),
            text=(tracker.get_slot(names.SLOT_REFLECTION_DRAFT) or "").strip(),
        )
        events.append(SlotSet(names.SLOT_REFLECTIONS_SAVED, saved))
    if followup_id:
        events.append(SlotSet(names.SLOT_FOLLOWUP_ID, None))
    return events


def joined_session(tracker: Tracker) -> str | None:
    """The group session a member joined in this conversation, to tag their reflection with."""
    if tracker.get_slot(names.SLOT_GROUP_ROLE) != "member":
        return None
    session = tracker.get_slot(names.SLOT_GROUP_SESSION)
    return session if isinstance(session, str) and session else None


class ActionDiscardReflection(Action):
    """Drop the draft: nothing is saved."""

    def name(self) -> str:
        return "action_discard_reflection"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        dispatcher.utter_message(**render("reflection_discarded").as_kwargs())
        return [*CLEARED, *no_followup(tracker)]


class ValidateWithdrawForm(FormValidationAction):
    """Any text is taken as the code; the withdraw action says whether it matched."""

    def name(self) -> str:
        return "validate_withdraw_form"


class ActionWithdrawReflection(Action):
    """Delete the reflection with this receipt code, within a daily limit of failed tries."""

    def name(self) -> str:
        return "action_withdraw_reflection"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        config = context.settings()
        joining = join_instead(dispatcher, tracker)
        if joining is not None:
            return [*joining, SlotSet(names.SLOT_RECEIPT_CODE, None)]
        try:
            message = dialogue.withdraw(
                factory=context.session_factory(),
                receipts=dialogue.receipts_in(tracker.latest_message.get("metadata")),
                sender_id=tracker.sender_id,
                secret=config.secret,
                today=date.today(),
                global_failures_per_day=config.withdrawal_global_failures_per_day,
            )
        except SQLAlchemyError:
            message = dialogue.withdraw_failed_message()
        dispatcher.utter_message(**message.as_kwargs())
        return [SlotSet(names.SLOT_RECEIPT_CODE, None)]


def join_instead(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events | None:
    """A live group session's join code given as a "receipt": join it; else ``None``."""
    try:
        reply = group.group_flow(tracker).join_if_live(group.read_turn(tracker))
    except SQLAlchemyError:
        return None  # the withdrawal says the database is not available
    if reply is None:
        return None
    group.say(dispatcher, reply)
    return group.reply_events(reply, tracker)


class ActionShowPrivacy(Action):
    """What is stored, what is not, who sees it, for how long: from config and the pack."""

    def name(self) -> str:
        return "action_show_privacy"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> Events:
        config = context.settings()
        message = dialogue.privacy_message(
            pack=context.pack_for(tracker),
            retention_days=config.retention_days,
            tracker_retention_days=config.tracker_retention_days,
        )
        dispatcher.utter_message(**message.as_kwargs())
        return []
