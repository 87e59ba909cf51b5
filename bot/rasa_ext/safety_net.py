"""Rasa NLU component that lets the safety net overrule the intent classifier.

The patterns live in plain Python (``bot.safety.net``); this component only plugs them into the NLU
pipeline. It sits after ``LogisticRegressionClassifier`` and ``FallbackClassifier`` in
``config.yml``, so whatever they predicted (including ``nlu_fallback``) a live concern becomes
``urgent_concern``, a message that may or may not be one becomes ``check_concern`` (the bot asks
"is this about a child you are worried about now?" before doing anything with it) and
practitioner distress becomes ``express_distress``; rules then answer. A possible risk to the
practitioner's own life adds a ``crisis`` entity, so the rules add Samaritans, NHS 111 and 999.

Why both layers: the classifier generalises to phrasings the patterns miss, and the patterns are
tested, predictable and catch phrasings the classifier has never seen. Where they disagree the
component errs on the side of safety: it never silently drops an ``urgent_concern`` prediction.
Only when the text is clearly a reflection on a past case ("in a case last year ...") with no
present framing does it give way to the next intent; when the text is about no particular child
(a hypothetical or a general question) a question gets the front-door contacts
(``ask_how_to_refer``) and a statement gets the question instead.

User text is never logged; only the name of the pattern family that fired, at DEBUG.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety.language import UNREADABLE_METADATA_KEY
from bot.safety.net import (
    SafetyAssessment,
    Signal,
    assess,
    door_read,
    is_question,
    is_support_question,
    warm_up,
)

logger = logging.getLogger(__name__)

URGENT_INTENT_KEY = "urgent_intent"
DISTRESS_INTENT_KEY = "distress_intent"
CHECK_INTENT_KEY = "check_intent"
SUPPORT_INTENT_KEY = "support_intent"
REFER_INTENT_KEY = "refer_intent"
CRISIS_ENTITY_KEY = "crisis_entity"
FALLBACK_INTENT_KEY = "fallback_intent"
FALLBACK_THRESHOLD_KEY = "fallback_threshold"
CRISIS_VALUE = "crisis"
CHECK_CONFIDENCE = 0.5
"""Below this, a check the classifier predicts on its own (the patterns saw nothing) gives way:
the patterns are the tested source of "is this about a child now?"."""

SAFETY_KEY = "safety"
"""Message property (and so ``parse_data`` key) holding the assessment: signal, rule name,
retrospective, crisis and general flags. Never any user text, so it is safe in the tracker
store."""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent, IntentClassifier):  # type: ignore[misc]  # rasa is untyped
    """Overrides the predicted intent when the safety patterns find a live concern or distress."""

    @classmethod
    def required_components(cls) -> list[type]:
        """It corrects an intent classifier, so one must come before it."""
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The intent names the component predicts (they must exist in the domain)."""
        return {
            URGENT_INTENT_KEY: "urgent_concern",
            DISTRESS_INTENT_KEY: "express_distress",
            CHECK_INTENT_KEY: "check_concern",
            SUPPORT_INTENT_KEY: "ask_staff_support",
            REFER_INTENT_KEY: "ask_how_to_refer",
            # Added (over the whole text) when the practitioner's own life may be at risk, so a
            # rule can add the crisis lines to whatever else is said.
            CRISIS_ENTITY_KEY: "crisis",
            # After a downgrade, a runner-up below this (keep it equal to the
            # FallbackClassifier's threshold) becomes the fallback intent instead.
            FALLBACK_INTENT_KEY: "nlu_fallback",
            FALLBACK_THRESHOLD_KEY: 0.35,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        """Keeps the intent names from the (defaulted) config."""
        defaults = self.get_default_config()
        self.component_config = {**defaults, **config}
        self._urgent: str = self.component_config[URGENT_INTENT_KEY]
        self._distress: str = self.component_config[DISTRESS_INTENT_KEY]
        self._check: str = self.component_config[CHECK_INTENT_KEY]
        self._support: str = self.component_config[SUPPORT_INTENT_KEY]
        self._refer: str = self.component_config[REFER_INTENT_KEY]
        self._crisis_entity: str = self.component_config[CRISIS_ENTITY_KEY]
        self._fallback: str = self.component_config[FALLBACK_INTENT_KEY]
        self._threshold = float(self.component_config[FALLBACK_THRESHOLD_KEY])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        """Creates the component (nothing to train) and reads the safety net's rules now."""
        warm_up()
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Applies the safety net to each message, in place.

        * URGENT: intent becomes the urgent intent with confidence 1.0, first in the ranking.
        * DISTRESS with ``crisis``: the distress intent, whatever the classifier said (the
          patterns for a practitioner's own risk are first-person and tested; the classifier's
          "urgent" on them is about words like "overdose", not a child).
        * CHECK, unless the classifier already said urgent: the check intent.
        * DISTRESS, unless the classifier said urgent about text that is not about the past:
          the distress intent.
        * NONE and the classifier said urgent (or check): a clearly retrospective text, or one
          that only reports a child as fine (``all_clear``), gives way to the best-ranked other
          intent (or the fallback intent below the fallback threshold);
          a text about no particular child gets the front-door answer if it is a question, the
          check intent if it is a statement. Anything else is left alone: the classifier may
          have caught a phrasing the patterns miss.
        * ``crisis`` (with any signal) adds the crisis entity over the whole text.

        Messages without text, and text starting with "/" (button payloads), are left alone.
        """
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            if text.lstrip().startswith(INTENT_MESSAGE_PREFIX):
                continue
            metadata = message.get(METADATA) or {}
            assessment = door_read(
                assess(text),
                unreadable_as_typed=bool(
                    isinstance(metadata, dict) and metadata.get(UNREADABLE_METADATA_KEY)
                ),
            )
            self._apply(message, text, assessment)
        return messages

    def _apply(self, message: Message, text: str, assessment: SafetyAssessment) -> None:
        predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        message.set(
            SAFETY_KEY,
            {
                "signal": assessment.signal.value,
                "rule": assessment.rule,
                "retrospective": assessment.retrospective,
                "crisis": assessment.crisis,
                "general": assessment.general,
                "reassured": assessment.reassured,
                "particular": assessment.particular,
                "all_clear": assessment.all_clear,
            },
            add_to_output=True,
        )
        if assessment.crisis:
            self._add_crisis_entity(message, text)
        if assessment.signal is Signal.NONE:
            self._weigh_classifier(message, text, assessment, predicted)
        else:
            self._follow_patterns(message, assessment, predicted)

    def _follow_patterns(
        self, message: Message, assessment: SafetyAssessment, predicted: str | None
    ) -> None:
        """The patterns found something: they decide, unless the classifier saw worse."""
        if assessment.signal is Signal.URGENT:
            logger.debug("Safety net: urgent concern (rule %s).", assessment.rule)
            self._set_intent(message, self._urgent)
        elif assessment.signal is Signal.DISTRESS and assessment.crisis:
            logger.debug("Safety net: practitioner crisis (rule %s).", assessment.rule)
            self._set_intent(message, self._distress)
        elif assessment.signal is Signal.CHECK:
            if predicted == self._urgent:
                logger.debug(
                    "Safety net: unsure (rule %s) but the classifier predicted an urgent "
                    "concern; keeping it.",
                    assessment.rule,
                )
                return
            logger.debug(
                "Safety net: asking whether it is a live concern (rule %s).", assessment.rule
            )
            self._set_intent(message, self._check)
        elif assessment.signal is Signal.DISTRESS:
            if predicted == self._urgent and assessment.particular:
                logger.debug(
                    "Safety net: distress (rule %s) but the classifier predicted an urgent "
                    "concern; keeping it.",
                    assessment.rule,
                )
                return
            logger.debug("Safety net: distress (rule %s).", assessment.rule)
            self._set_intent(message, self._distress)

    def _weigh_classifier(
        self, message: Message, text: str, assessment: SafetyAssessment, predicted: str | None
    ) -> None:
        """The patterns found nothing: weigh a safety guess of the classifier's against them."""
        if predicted not in (self._distress, self._support) and is_support_question(text):
            # "Can I get a debrief? A child on our caseload died": support, not 999.
            logger.debug("Safety net: a question about support for staff.")
            self._set_intent(message, self._support)
        elif predicted in (self._urgent, self._check):
            self._weigh_urgent_guess(message, text, assessment, predicted)
        elif predicted == self._distress and (
            assessment.retrospective or assessment.general or assessment.reassured
        ):
            # The patterns see no distress, and the text is about the past, about practice in
            # general, or says it is not upset: the classifier read reflection words as distress.
            self._downgrade(message, predicted)

    def _weigh_urgent_guess(
        self, message: Message, text: str, assessment: SafetyAssessment, predicted: str
    ) -> None:
        """The classifier guessed urgent or unsure where the patterns see nothing."""
        if assessment.retrospective or assessment.all_clear:
            # A past case, or a child reported as fine with nothing worrying in the text
            # ("mum said the baby was fine at the visit"): the classifier read its words.
            self._downgrade(message, predicted)
        elif assessment.general and is_question(text):
            logger.debug("Safety net: a general question; answering with the front door.")
            self._set_intent(message, self._refer)
        elif (
            assessment.general
            or assessment.reassured
            or not assessment.particular
            or (predicted == self._check and self._confidence(message) < CHECK_CONFIDENCE)
        ):
            if predicted == self._urgent:
                logger.debug("Safety net: nothing particular in it; asking, not answering.")
                self._set_intent(message, self._check)
            else:
                self._downgrade(message, predicted)

    @staticmethod
    def _confidence(message: Message) -> float:
        return float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)

    def _add_crisis_entity(self, message: Message, text: str) -> None:
        """Marks the whole text with the crisis entity (a fixed value, never user text)."""
        entity = {
            ENTITY_ATTRIBUTE_TYPE: self._crisis_entity,
            ENTITY_ATTRIBUTE_VALUE: CRISIS_VALUE,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: len(text),
            EXTRACTOR: type(self).__name__,
        }
        others = [
            e
            for e in message.get(ENTITIES) or []
            if e.get(ENTITY_ATTRIBUTE_TYPE) != self._crisis_entity
        ]
        message.set(ENTITIES, [*others, entity], add_to_output=True)

    def _set_intent(self, message: Message, name: str) -> None:
        """Predicts ``name`` with full confidence, first in a ranking without duplicates."""
        intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != name
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [dict(intent), *ranking], add_to_output=True)

    def _downgrade(self, message: Message, predicted: str) -> None:
        """Replaces an urgent (or check) prediction on a retrospective text with the next best.

        Neither safety intent is offered as the runner-up: a text the patterns read as a past
        case should not be answered with 999 or with "is this about a child now?".
        """
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in (self._urgent, self._check, predicted)
        ]
        if not ranking:
            logger.debug(
                "Safety net: retrospective text predicted as an urgent concern, but no other "
                "intent is ranked; keeping it."
            )
            return
        logger.debug("Safety net: retrospective text; downgrading an urgent prediction.")
        best = dict(ranking[0])
        if float(best.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < self._threshold:
            # The runner-up is a guess (e.g. previous_point at 0.02): acting on it would do
            # something odd, so ask instead, exactly as the FallbackClassifier would have.
            best = {INTENT_NAME_KEY: self._fallback, PREDICTED_CONFIDENCE_KEY: self._threshold}
            ranking = [dict(best), *ranking]
        message.set(INTENT, best, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
