"""Tests for the SafetyNet NLU component (bot/rasa_ext/safety_net.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.safety_net import SAFETY_KEY, SafetyNet

URGENT = "urgent_concern"
DISTRESS = "express_distress"
CHECK = "check_concern"
SUPPORT = "ask_staff_support"
REFER = "ask_how_to_refer"


@pytest.fixture
def create_net(tmp_path: Path) -> Any:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test-model")

    def _create(**config: Any) -> SafetyNet:
        return SafetyNet.create(
            {**SafetyNet.get_default_config(), **config},
            storage,
            Resource("safety_net"),
            context,
        )

    return _create


@pytest.fixture
def net(create_net: Any) -> SafetyNet:
    return create_net()  # type: ignore[no-any-return]


def _message(text: str | None, ranking: list[tuple[str, float]] | None = None) -> Message:
    """A message as the classifiers leave it: intent plus a ranking, best first."""
    data: dict[str, Any] = {}
    if text is not None:
        data[TEXT] = text
    message = Message(data=data)
    if ranking:
        entries = [{"name": name, "confidence": conf} for name, conf in ranking]
        message.set(INTENT, dict(entries[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, entries, add_to_output=True)
    return message


def _intent(message: Message) -> tuple[str, float]:
    intent = message.get(INTENT)
    return intent["name"], intent["confidence"]


def _ranking_names(message: Message) -> list[str]:
    return [entry["name"] for entry in message.get(INTENT_RANKING_KEY)]


def test_default_config() -> None:
    assert SafetyNet.get_default_config() == {
        "urgent_intent": URGENT,
        "distress_intent": DISTRESS,
        "check_intent": CHECK,
        "support_intent": SUPPORT,
        "refer_intent": REFER,
        "crisis_entity": "crisis",
        "fallback_intent": "nlu_fallback",
        "fallback_threshold": 0.35,
    }


def test_process_returns_the_same_messages(net: SafetyNet) -> None:
    messages = [_message("next", [("next", 0.9)]), _message("hello", [("greet", 0.8)])]
    assert net.process(messages) is messages


# --- URGENT --------------------------------------------------------------------------------


def test_urgent_overrides_a_wrong_prediction(net: SafetyNet) -> None:
    message = _message(
        "a boy in my class says he is scared to go home tonight",
        [("add_reflection", 0.71), ("discuss", 0.2), (URGENT, 0.09)],
    )
    net.process([message])
    assert _intent(message) == (URGENT, 1.0)
    assert _ranking_names(message) == [URGENT, "add_reflection", "discuss"]
    assert message.get(INTENT_RANKING_KEY)[0]["confidence"] == 1.0


def test_urgent_overrides_nlu_fallback(net: SafetyNet) -> None:
    message = _message(
        "theres a baby with brusies at the house im at",
        [("nlu_fallback", 0.25), ("procedures", 0.2), ("greet", 0.1)],
    )
    net.process([message])
    assert _intent(message) == (URGENT, 1.0)
    assert _ranking_names(message) == [URGENT, "nlu_fallback", "procedures", "greet"]


def test_urgent_confirms_a_right_prediction_without_duplicates(net: SafetyNet) -> None:
    message = _message(
        "he said he's going to hurt her tonight", [(URGENT, 0.62), ("express_distress", 0.3)]
    )
    net.process([message])
    assert _intent(message) == (URGENT, 1.0)
    assert _ranking_names(message) == [URGENT, "express_distress"]


def test_urgent_sets_intent_even_without_a_prior_prediction(net: SafetyNet) -> None:
    message = _message("a child is in danger")
    net.process([message])
    assert _intent(message) == (URGENT, 1.0)
    assert _ranking_names(message) == [URGENT]
    assert INTENT in message.output_properties


def test_urgent_wins_over_distress(net: SafetyNet) -> None:
    message = _message(
        "I'm overwhelmed, a child has just told me she's being abused", [(DISTRESS, 0.8)]
    )
    net.process([message])
    assert _intent(message) == (URGENT, 1.0)


# --- DISTRESS ------------------------------------------------------------------------------


def test_distress_overrides_another_prediction(net: SafetyNet) -> None:
    message = _message("this case really got to me", [("add_reflection", 0.6), ("next", 0.3)])
    net.process([message])
    assert _intent(message) == (DISTRESS, 1.0)
    assert _ranking_names(message) == [DISTRESS, "add_reflection", "next"]


def test_distress_about_a_particular_child_does_not_override_urgent_concern(
    net: SafetyNet,
) -> None:
    # The classifier may have caught a live concern the patterns read only as distress.
    text = "I'm so upset, mum rang me about [NAME 1] this morning"
    message = _message(text, [(URGENT, 0.55), (DISTRESS, 0.4)])
    net.process([message])
    assert _intent(message) == (URGENT, 0.55)
    assert _ranking_names(message) == [URGENT, DISTRESS]


def test_distress_about_no_particular_child_overrides_urgent_concern(net: SafetyNet) -> None:
    # Nothing in it names a child or family: the practitioner needs support, not 999.
    message = _message("I can't stop thinking about it", [(URGENT, 0.55), (DISTRESS, 0.4)])
    net.process([message])
    assert _intent(message) == (DISTRESS, 1.0)


def test_crisis_is_distress_and_flagged(net: SafetyNet) -> None:
    message = _message("I want to end it all", [("goodbye", 0.5)])
    net.process([message])
    assert _intent(message) == (DISTRESS, 1.0)
    assert message.get(SAFETY_KEY)["crisis"] is True


# --- NONE ----------------------------------------------------------------------------------


def test_retrospective_classifier_only_urgent_is_downgraded(net: SafetyNet) -> None:
    message = _message(
        "in a case last year dad threatened to kill the kids and we never told mum",
        [(URGENT, 0.7), ("add_reflection", 0.2), ("discuss", 0.1)],
    )
    net.process([message])
    # The runner-up is below the fallback threshold: ask rather than act on a guess.
    assert _intent(message) == ("nlu_fallback", 0.35)
    assert _ranking_names(message) == ["nlu_fallback", "add_reflection", "discuss"]


def test_retrospective_urgent_is_downgraded_to_a_confident_runner_up(net: SafetyNet) -> None:
    message = _message(
        "in a case last year dad threatened to kill the kids and we never told mum",
        [(URGENT, 0.45), ("ask_key_learning", 0.4), ("discuss", 0.1)],
    )
    net.process([message])
    assert _intent(message) == ("ask_key_learning", 0.4)
    assert _ranking_names(message) == ["ask_key_learning", "discuss"]


def test_downgrade_skips_urgent_wherever_it_is_ranked(net: SafetyNet) -> None:
    message = _message(
        "when I worked in MASH we often missed risky adults",
        [(URGENT, 0.5), ("discuss", 0.3), (URGENT, 0.1), ("next", 0.1)],
    )
    net.process([message])
    assert _intent(message) == ("nlu_fallback", 0.35)
    assert URGENT not in _ranking_names(message)


def test_retrospective_urgent_without_alternative_is_kept(net: SafetyNet) -> None:
    message = _message("previously I would have accepted mum's word", [(URGENT, 0.9)])
    net.process([message])
    assert _intent(message) == (URGENT, 0.9)


def test_classifier_only_urgent_about_a_particular_child_is_kept(net: SafetyNet) -> None:
    # The patterns see no risk here, but the classifier may know better: err on safety.
    message = _message(
        "the boy in my class said something odd today",
        [(URGENT, 0.66), ("add_reflection", 0.3)],
    )
    net.process([message])
    assert _intent(message) == (URGENT, 0.66)
    assert _ranking_names(message) == [URGENT, "add_reflection"]


def test_classifier_only_urgent_about_nobody_in_particular_asks_first(net: SafetyNet) -> None:
    # Never dropped silently: the practitioner is asked, and "yes" gives the urgent answer.
    message = _message(
        "please can someone phone me back", [(URGENT, 0.66), ("add_reflection", 0.3)]
    )
    net.process([message])
    assert _intent(message) == (CHECK, 1.0)


def test_classifier_only_urgent_on_a_general_question_gets_the_front_door(net: SafetyNet) -> None:
    message = _message(
        "what would you do if a child told you something?", [(URGENT, 0.7), ("ask_help", 0.2)]
    )
    net.process([message])
    assert _intent(message) == (REFER, 1.0)


def test_classifier_only_urgent_on_a_general_statement_asks_first(net: SafetyNet) -> None:
    message = _message("kids tell me stuff all the time", [(URGENT, 0.7), ("greet", 0.2)])
    net.process([message])
    assert _intent(message) == (CHECK, 1.0)


# --- CHECK ---------------------------------------------------------------------------------


def test_check_overrides_another_prediction(net: SafetyNet) -> None:
    message = _message("this is exactly like a family on my caseload", [("share_reflection", 0.8)])
    net.process([message])
    assert _intent(message) == (CHECK, 1.0)
    assert message.get(SAFETY_KEY)["signal"] == "check"


def test_check_does_not_override_urgent_concern(net: SafetyNet) -> None:
    message = _message("this is exactly like a family on my caseload", [(URGENT, 0.6)])
    net.process([message])
    assert _intent(message) == (URGENT, 0.6)


@pytest.mark.parametrize(
    ("text", "confidence"),
    [
        ("in a case last year dad threatened the kids", 0.9),  # retrospective
        ("kids tell me stuff all the time", 0.9),  # general
        ("I'm not upset, just annoyed", 0.9),  # says it is not about anyone
        ("what is the training like", 0.9),  # nothing particular in it
        ("Thinking about fathers, I realise I often only have mum's number", 0.4),  # unsure
    ],
)
def test_classifier_only_check_gives_way(net: SafetyNet, text: str, confidence: float) -> None:
    message = _message(text, [(CHECK, confidence), ("share_reflection", 0.36)])
    net.process([message])
    assert _intent(message) == ("share_reflection", 0.36)


def test_classifier_only_check_about_a_particular_family_is_kept(net: SafetyNet) -> None:
    message = _message(
        "mum rang me about [NAME 1] this week", [(CHECK, 0.7), ("share_reflection", 0.3)]
    )
    net.process([message])
    assert _intent(message) == (CHECK, 0.7)


# --- crisis --------------------------------------------------------------------------------


def _crisis_entities(message: Message) -> list[dict[str, Any]]:
    return [e for e in message.get(ENTITIES) or [] if e["entity"] == "crisis"]


def test_crisis_adds_the_crisis_entity_over_the_whole_text(net: SafetyNet) -> None:
    text = "I've started cutting again"
    message = _message(text, [("add_reflection", 0.5)])
    net.process([message])
    assert _intent(message) == (DISTRESS, 1.0)
    (entity,) = _crisis_entities(message)
    assert entity["value"] == "crisis"
    assert (entity["start"], entity["end"]) == (0, len(text))
    assert ENTITIES in message.output_properties


def test_crisis_overrides_a_classifier_urgent(net: SafetyNet) -> None:
    message = _message("I've got tablets saved up", [(URGENT, 0.8)])
    net.process([message])
    assert _intent(message) == (DISTRESS, 1.0)
    assert _crisis_entities(message)


def test_urgent_with_crisis_keeps_urgent_and_adds_the_entity(net: SafetyNet) -> None:
    message = _message("I feel suicidal and I'm scared I'll hurt my baby tonight", [])
    net.process([message])
    assert _intent(message) == (URGENT, 1.0)
    assert _crisis_entities(message)


def test_no_crisis_entity_without_crisis(net: SafetyNet) -> None:
    message = _message("I feel overwhelmed", [("next_point", 0.9)])
    net.process([message])
    assert _crisis_entities(message) == []


# --- distress the classifier guessed -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I'm not upset, just annoyed at the system",
        "in a case last year dad threatened the kids",
        "kids tell me stuff all the time",
        "hard going in places, but it's important learning",
    ],
)
def test_classifier_only_distress_gives_way_when_the_patterns_disagree(
    net: SafetyNet, text: str
) -> None:
    message = _message(text, [(DISTRESS, 0.8), ("share_reflection", 0.4)])
    net.process([message])
    assert _intent(message) == ("share_reflection", 0.4)


def test_classifier_only_distress_is_otherwise_kept(net: SafetyNet) -> None:
    message = _message("the whole thing has left me hollow", [(DISTRESS, 0.6)])
    net.process([message])
    assert _intent(message) == (DISTRESS, 0.6)


# --- support -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        ("what's the EAP number", REFER),
        ("can my team have a group debrief", "out_of_scope"),
        ("can I get a debrief? a child on our caseload died last month", URGENT),
    ],
)
def test_questions_about_staff_support_get_support(
    net: SafetyNet, text: str, predicted: str
) -> None:
    message = _message(text, [(predicted, 0.6), (SUPPORT, 0.3)])
    net.process([message])
    assert _intent(message) == (SUPPORT, 1.0)


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("next", [("next", 0.93), ("repeat", 0.04)]),
        ("what's the SPoA number", [("procedures", 0.8), (URGENT, 0.1)]),
        ("the review found information was not shared", [("add_reflection", 0.7)]),
        ("how do I contact SPoA", [("procedures", 0.5), ("nlu_fallback", 0.25)]),
    ],
)
def test_none_leaves_the_prediction_alone(
    net: SafetyNet, text: str, ranking: list[tuple[str, float]]
) -> None:
    message = _message(text, ranking)
    net.process([message])
    assert _intent(message) == ranking[0]
    assert _ranking_names(message) == [name for name, _ in ranking]


# --- left alone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "/urgent_concern",
        '/add_reflection{"text": "a boy says he is scared to go home tonight"}',
        "  /express_distress",
        "/choose_agency",
    ],
)
def test_payload_text_is_untouched(net: SafetyNet, text: str) -> None:
    message = _message(text, [("add_reflection", 0.9)])
    before = dict(message.data)
    net.process([message])
    assert message.data == before
    assert SAFETY_KEY not in message.data


@pytest.mark.parametrize("text", [None, "", "   "])
def test_message_without_text_is_untouched(net: SafetyNet, text: str | None) -> None:
    message = _message(text, [("greet", 0.9)])
    before = dict(message.data)
    net.process([message])
    assert message.data == before


def test_several_messages_are_each_assessed(net: SafetyNet) -> None:
    urgent = _message("toddler left home alone right now", [("next", 0.9)])
    distress = _message("I'm burnt out", [("next", 0.9)])
    plain = _message("next", [("next", 0.9)])
    net.process([urgent, distress, plain])
    assert _intent(urgent)[0] == URGENT
    assert _intent(distress)[0] == DISTRESS
    assert _intent(plain)[0] == "next"


# --- config and logging --------------------------------------------------------------------


def test_intent_names_come_from_config(create_net: Any) -> None:
    net = create_net(
        urgent_intent="live_concern", distress_intent="feeling_it", check_intent="ask_first"
    )
    urgent = _message("a child is in danger", [("next", 0.9)])
    distress = _message("I feel overwhelmed", [("next", 0.9)])
    check = _message("this is exactly like a family on my caseload", [("next", 0.9)])
    kept = _message(
        "I'm so upset, mum rang me about [NAME 1] this morning",
        [("live_concern", 0.6), ("next", 0.3)],
    )
    net.process([urgent, distress, check, kept])
    assert _intent(urgent) == ("live_concern", 1.0)
    assert _intent(distress) == ("feeling_it", 1.0)
    assert _intent(check) == ("ask_first", 1.0)
    assert _intent(kept) == ("live_concern", 0.6)


def test_missing_config_keys_fall_back_to_defaults(tmp_path: Path) -> None:
    net = SafetyNet.create(
        {},
        LocalModelStorage(tmp_path),
        Resource("safety_net"),
        ExecutionContext(GraphSchema({}), "test-model"),
    )
    message = _message("a child is in danger", [("next", 0.9)])
    net.process([message])
    assert _intent(message) == (URGENT, 1.0)


def test_safety_property_carries_no_user_text(net: SafetyNet) -> None:
    text = "Zebedee told me her stepdad hits her"
    message = _message(text, [("next", 0.9)])
    net.process([message])
    safety = message.get(SAFETY_KEY)
    assert safety == {
        "signal": "urgent",
        "rule": safety["rule"],
        "retrospective": False,
        "crisis": False,
        "general": False,
        "reassured": False,
        "particular": True,
        "all_clear": False,
    }
    assert "zebedee" not in repr(safety).lower()
    assert SAFETY_KEY in message.output_properties


def test_user_text_is_never_logged(net: SafetyNet, caplog: pytest.LogCaptureFixture) -> None:
    texts = [
        "Quokka-Sentinel says he is scared to go home tonight",
        "Quokka-Sentinel really got to me",
        "in a case last year Quokka-Sentinel was violent",
        "Quokka-Sentinel next",
    ]
    with caplog.at_level(logging.DEBUG, logger="bot.rasa_ext.safety_net"):
        net.process([_message(t, [(URGENT, 0.6), ("next", 0.3)]) for t in texts])
    assert caplog.records, "expected DEBUG records naming the rule"
    for record in caplog.records:
        assert record.levelno == logging.DEBUG
        assert "quokka" not in record.getMessage().lower()


# --- attack findings: the patterns win over any other prediction --------------------------

OTHER_PREDICTIONS = [
    "ask_privacy",
    "add_to_reflection",
    "share_reflection",
    "stop_discussion",
    "choose_agency",
    "nlu_fallback",
    "express_distress",
    "greet",
]


@pytest.mark.parametrize("predicted", OTHER_PREDICTIONS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("her stepdad's back living there. the girls hide from him, what should I do", CHECK),
        ("one of my year 7s gets knocked about by his uncle", URGENT),
        ("dad's friend who served time for indecent images is sleeping at theirs", URGENT),
        ("mum's fella is abusive and they live together", CHECK),
        ("we've got a proper Child Z situation with one of our families", CHECK),
    ],
)
def test_a_live_concern_wins_over_whatever_else_was_predicted(
    net: SafetyNet, text: str, expected: str, predicted: str
) -> None:
    message = _message(text, [(predicted, 0.8), ("share_reflection", 0.1), (URGENT, 0.05)])
    net.process([message])
    assert _intent(message) == (expected, 1.0)


@pytest.mark.parametrize("predicted", [URGENT, CHECK])
@pytest.mark.parametrize(
    "text",
    [
        # A child reported as fine, in the past tense, after the door put in placeholders.
        "Dad [NAME 1] told us the twins were fine after the weekend",
        "Baby [NAME 1] was seen at clinic and seemed settled",
        # Initials and a nickname in a reflection on a past case.
        "[NAME 1] and her brother [NAME 2] were never seen alone, which the review noted",
        "we knew him as [NAME 1], and his record only came out much later",
    ],
)
def test_a_reflection_that_only_looks_like_a_concern_gives_way(
    net: SafetyNet, text: str, predicted: str
) -> None:
    message = _message(text, [(predicted, 0.63), ("share_reflection", 0.36)])
    net.process([message])
    assert _intent(message) == ("share_reflection", 0.36)


def test_a_child_reported_as_fine_but_with_a_worry_is_not_all_clear(net: SafetyNet) -> None:
    message = _message(
        "mum said the baby was fine but I'm uneasy about her new partner",
        [(URGENT, 0.63), ("share_reflection", 0.36)],
    )
    net.process([message])
    assert _intent(message)[0] in (URGENT, CHECK)


def test_the_rules_are_read_when_the_model_loads_not_on_the_first_message(create_net: Any) -> None:
    """The model loads once before the workers fork: the rules must be compiled by then."""
    from bot.safety import rules

    rules.book.cache_clear()
    create_net()
    assert rules.book.cache_info().currsize == 1


def test_a_message_the_door_could_not_read_is_asked_about(net: SafetyNet) -> None:
    """A sentence in Arabic reaches Rasa as "[NAME 1]."; the door's metadata says what it was."""
    message = _message("[NAME 1].", [("add_reflection", 0.9)])
    message.set("metadata", {"unreadable": True})
    net.process([message])
    assert _intent(message) == ("check_concern", 1.0)
    plain = _message("[NAME 1].", [("add_reflection", 0.9)])
    net.process([plain])
    assert _intent(plain)[0] == "add_reflection"
