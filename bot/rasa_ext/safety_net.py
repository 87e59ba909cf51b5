"""Rasa NLU component that lets the safety net overrule the intent classifier.

The patterns live in plain Python (``bot.safety``); this component only plugs them into the NLU
pipeline. It sits after ``LogisticRegressionClassifier`` and ``FallbackClassifier`` in
``config.yml``, so whatever they predicted (including ``nlu_fallback``) a live concern becomes
``urgent_concern`` and practitioner distress becomes ``express_distress``; rules then answer.

Why both layers: the classifier generalises to phrasings the patterns miss, and the patterns are
tested, predictable and catch phrasings the classifier has never seen. Where they disagree the
component errs on the side of safety: it never removes an ``urgent_concern`` prediction unless
the text is clearly a reflection on a past case ("in a case last year ...") with no present or
imminent framing.

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
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety import SafetyAssessment, Signal, assess

logger = logging.getLogger(__name__)

URGENT_INTENT_KEY = "urgent_intent"
DISTRESS_INTENT_KEY = "distress_intent"
FALLBACK_INTENT_KEY = "fallback_intent"
FALLBACK_THRESHOLD_KEY = "fallback_threshold"

SAFETY_KEY = "safety"
"""Message property (and so ``parse_data`` key) holding the assessment: signal, rule name,
retrospective and crisis flags. Never any user text, so it is safe in the tracker store; actions
can read ``crisis`` from it to add Samaritans / 999 signposting."""


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
        """Creates the component; nothing to train or load."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Applies the safety net to each message, in place.

        * URGENT: intent becomes the urgent intent with confidence 1.0, first in the ranking.
        * DISTRESS, unless the classifier already said urgent: the same with the distress intent.
        * NONE, the classifier said urgent, and the text is clearly retrospective: the urgent
          prediction is replaced by the best-ranked other intent (its own confidence), or by the
          fallback intent when that is below the fallback threshold, because a past case being
          reflected on is not a live concern. Any other classifier prediction
          is left alone: it may have caught an urgent phrasing the patterns miss.

        Messages without text, and text starting with "/" (button payloads), are left alone.
        """
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            if text.lstrip().startswith(INTENT_MESSAGE_PREFIX):
                continue
            assessment = assess(text)
            self._apply(message, assessment)
        return messages

    def _apply(self, message: Message, assessment: SafetyAssessment) -> None:
        predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        message.set(
            SAFETY_KEY,
            {
                "signal": assessment.signal.value,
                "rule": assessment.rule,
                "retrospective": assessment.retrospective,
                "crisis": assessment.crisis,
            },
            add_to_output=True,
        )

        if assessment.signal is Signal.URGENT:
            logger.debug("Safety net: urgent concern (rule %s).", assessment.rule)
            self._set_intent(message, self._urgent)
        elif assessment.signal is Signal.DISTRESS:
            if predicted == self._urgent:
                logger.debug(
                    "Safety net: distress (rule %s) but the classifier predicted an urgent "
                    "concern; keeping it.",
                    assessment.rule,
                )
                return
            logger.debug("Safety net: distress (rule %s).", assessment.rule)
            self._set_intent(message, self._distress)
        elif predicted == self._urgent and assessment.retrospective:
            self._downgrade(message)

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

    def _downgrade(self, message: Message) -> None:
        """Replaces an urgent prediction on a retrospective text with the next best intent."""
        ranking = [
            entry
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) != self._urgent
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
