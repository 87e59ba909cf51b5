"""The net knows when it cannot read a message (bot/safety/language.py), at and after the door."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.channels.door import Door
from bot.safety.language import unreadable, unreadable_as_typed
from bot.safety.net import UNREADABLE_RULE, Signal, assess, door_read
from bot.safety.normalise import normalise

BLIND = Path(__file__).resolve().parents[2] / "data" / "blind" / "safety_language_blind_1.tsv"
DOOR = Door.create(secret=b"k" * 32, payload_values=(), intents=())


@pytest.mark.parametrize(
    "text",
    [
        "Dziewczynka powiedziała mi dzisiaj, że ojczym ją bije i boi się wrócić do domu.",
        "La petite fille m'a dit que son beau-père la frappe et qu'elle a peur ce soir.",
        "Copilul este singur acasă de aseară și mama nu răspunde la telefon.",
        "Девочка сказала, что отчим бьёт её и она боится идти домой сегодня.",
        "الطفلة قالت إن زوج أمها يضربها وهي خائفة من العودة إلى البيت الليلة",
        "婴儿现在一个人在家，妈妈从昨晚就没有回来。",
        "thginot emoh og ot deracs si ehs dna reh stih dad pets reh",
        # An English sentence first must not carry the rest past the net (issue 16 attack).
        "We now check partners more carefully at every visit. Dziecko, z którym teraz jestem,"
        " jest bite przez ojczyma i boi się wrócić dziś do domu.",
    ],
)
def test_text_in_another_language_or_reversed_is_unreadable(text: str) -> None:
    assert unreadable_as_typed(text)


@pytest.mark.parametrize(
    "text",
    [
        "I think the MASH referral should have gone to a strategy meeting sooner, s47 was late",
        "spoke to Kayleigh Okonkwo and Darnell Broughton-Smythe at Hollington about the CP plan",
        "next point please",
        "dziękuję bardzo",
        "withdraw reflection HT3LM-9QW2R please thanks",
        "see https://sussexchildprotection.procedures.org.uk/ for the escalation policy",
        "we shld of escalated 2 the LADO earlier tbh, the DSL was off",
        "She kept saying nie rozumiem, so we needed an interpreter much sooner.",
        # Markup is in no language: the widget's XSS test types it and expects no question.
        '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script>',
    ],
)
def test_english_with_names_codes_links_and_jargon_is_readable(text: str) -> None:
    assert not unreadable_as_typed(text)
    assert not unreadable(normalise(DOOR.clean_text(text)))


def test_the_door_says_so_in_the_metadata_and_the_net_then_asks() -> None:
    cleaned = DOOR.clean("الطفلة قالت إن زوج أمها يضربها وهي خائفة من العودة إلى البيت الليلة")
    assert cleaned.metadata is not None and cleaned.metadata["unreadable"] is True
    assert assess(cleaned.text).signal is Signal.NONE  # all the anonymised text says is a name
    asked = door_read(assess(cleaned.text), unreadable_as_typed=True)
    assert (asked.signal, asked.rule) == (Signal.CHECK, UNREADABLE_RULE)
    assert DOOR.clean("I learned to ask about the household earlier").metadata is None


def test_the_doors_reading_never_lowers_an_urgent_answer() -> None:
    urgent = assess("a boy in my class says he is scared to go home tonight")
    assert door_read(urgent, unreadable_as_typed=True) is urgent
    none = assess("I learned a lot")
    assert door_read(none, unreadable_as_typed=False) is none


def test_the_language_blind_set_every_live_concern_is_asked_and_no_english_is() -> None:
    """Regression on the blind set (its first run is in tests/data/blind/README.md)."""
    outcome: Counter[tuple[str, str]] = Counter()
    for line in BLIND.read_text(encoding="utf-8").splitlines():
        label, _, message = line.split("\t")
        cleaned = DOOR.clean(message)
        found = door_read(assess(cleaned.text), unreadable_as_typed=cleaned.unreadable)
        outcome[label, found.signal.value] += 1
    live = outcome["live_concern_foreign", "check"] + outcome["live_concern_foreign", "urgent"]
    assert live == 80
    english = ("reflection_english", "english_short", "mixed")
    assert sum(outcome[label, "check"] for label in english) == 0


def test_leetspeak_is_asked_about_even_when_the_anonymiser_eats_a_word() -> None:
    """Found by the issue 16 attack: "b34ts" was taken for a postcode, so nothing was seen."""
    cleaned = DOOR.clean("Th3 b0y 1n my 0ff1ce r1ght n0w s4ys h1s d4d b34ts h1m")
    assert cleaned.unreadable
    found = door_read(assess(cleaned.text), unreadable_as_typed=cleaned.unreadable)
    assert found.signal in (Signal.CHECK, Signal.URGENT)
    assert not unreadable_as_typed("the s47 was late for tn37 6rj on 3rd jan, year 4s, b4 2pm")
