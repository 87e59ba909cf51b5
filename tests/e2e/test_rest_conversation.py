"""The whole journey over the real REST channel, with the real action server and tracker store."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.run import Stack
from tests.e2e.conftest import Rest, restart

pytestmark = pytest.mark.slow

# A message the classifier is unsure about (below the FallbackClassifier threshold).
UNCLEAR = "the other thing"  # "the other one" chooses the other briefing (issue 14)


def test_full_walk_through_the_briefing(running: Stack) -> None:
    chat = Rest(running.rasa_url, "walk")
    hello = chat.text_of("hello")
    assert "Child Z LCSPR learning briefing" in hello
    assert "Your privacy" in hello and "999" in hello
    assert "Discuss and reflect" in hello

    assert "What is a Local Child Safeguarding Practice Review?" in chat.text_of(
        "what is an LCSPR?"
    )
    learning = chat.text_of("tell me about learning point 2")
    assert "Key learning 2 of 4: Information sharing" in learning
    assert "sharing-information-with-family-members" in chat.say("learning point 2")[0]["text"]

    first = chat.text_of("discuss and reflect")
    assert "Point 1 of 4" in first and "other adults" in first
    assert "Point 2 of 4" in chat.text_of("next")
    assert "Point 2 of 4" in chat.text_of("can you repeat that")
    back = chat.text_of("go back")
    assert "Point 1 of 4" in back
    assert "Point 2 of 4" in chat.text_of("next point")
    assert "Point 3 of 4" in chat.text_of("next")
    assert "Point 4 of 4" in chat.text_of("skip this one")
    done = chat.text_of("next")
    assert "That's all 4 points" in done and "Skipped: 3" in done

    procedures = chat.text_of("procedures and contacts")
    assert "sussexchildprotection.procedures.org.uk" in procedures and "01323 464222" in procedures
    assert "Goodbye" in chat.text_of("bye")


def test_urgent_concern_gets_spoa_and_999_and_is_not_offered_as_reflection(running: Stack) -> None:
    chat = Rest(running.rasa_url, "urgent")
    chat.say("hi")
    chat.say("discuss and reflect")
    reply = chat.text_of("a boy in my class says he is scared to go home tonight")
    assert "call 999 now" in reply
    assert "01323 464222" in reply  # SPoA, from the pack
    assert "01273 335906" in reply  # out of hours
    assert "Point 1 of 4" not in reply and "Would you like" not in reply
    # The concern changed nothing in the discussion: the same point is still current.
    assert "Point 1 of 4" in chat.text_of("repeat the point")


def test_distress_is_signposted_and_the_practitioner_chooses_to_carry_on(running: Stack) -> None:
    chat = Rest(running.rasa_url, "distress")
    chat.say("discuss and reflect")
    support = chat.text_of("honestly this case really got to me")
    assert "Samaritans" in support and "employee assistance programme" in support
    assert "Point 1 of 4" in chat.text_of("yes")


def test_carry_on_where_you_left_off_after_the_server_restarts(
    running: Stack, model_path: Path
) -> None:
    chat = Rest(running.rasa_url, "resume")
    chat.say("hello")
    chat.say("discuss and reflect")
    assert "Point 2 of 4" in chat.text_of("next")
    assert "Stopped at point 2 of 4" in chat.text_of("stop for now")

    stack = restart(running, model_path)
    try:
        chat = Rest(stack.rasa_url, "resume")
        assert "Carry on where you left off (point 2)" in chat.text_of("hi again")
        resumed = chat.text_of("carry on where I left off")
        assert "Welcome back" in resumed and "Point 2 of 4" in resumed
    finally:
        stack.stop()

    db = sqlite3.connect(stack.settings.var_dir / "tracker.db")
    try:
        (count,) = db.execute("select count(*) from events").fetchone()
    finally:
        db.close()
    assert count > 0


def test_low_confidence_offers_likely_options_as_buttons(running: Stack) -> None:
    chat = Rest(running.rasa_url, "fallback")
    replies = chat.say(UNCLEAR)
    assert "Did you mean one of these?" in replies[0]["text"], replies
    buttons = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert buttons[-1] == "/out_of_scope" and len(buttons) >= 2
    # Choosing an option answers it rather than asking again.
    assert "Did you mean" not in chat.text_of(buttons[0])
    # "Something else" asks for other words.
    chat.say(UNCLEAR)
    assert "say it another way" in chat.text_of("/out_of_scope")


def test_an_urgent_concern_while_the_fallback_is_asking_still_gets_999(running: Stack) -> None:
    chat = Rest(running.rasa_url, "fallback-urgent")
    assert "Did you mean" in chat.text_of(UNCLEAR)
    reply = chat.text_of("a girl has just told me her stepdad hits her")
    assert "call 999 now" in reply and "01323 464222" in reply


def test_malformed_requests_get_a_client_error_and_the_server_stays_up(running: Stack) -> None:
    url = f"{running.rasa_url}/webhooks/rest/webhook"
    bad = urllib.request.Request(
        url, data=b"not json", headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(bad, timeout=30)
    assert caught.value.code == 400
    empty = json.dumps({"sender": "x"}).encode()
    request = urllib.request.Request(url, data=empty, headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=30).read()
    except urllib.error.HTTPError as error:
        assert error.code < 600
    assert "Hello" in Rest(running.rasa_url, "after-bad-input").text_of("hello")


# --- issue 10: a live concern is never previewed, however it arrives --------------------------

PREVIEWED = "This is exactly what will be saved"


def test_a_present_tense_family_worry_without_cue_words_gets_spoa_and_999(
    running: Stack,
) -> None:
    chat = Rest(running.rasa_url, "cueless")
    reply = chat.text_of(
        "got a family where the dad has come back to the flat and he's kicking off at the "
        "kids, the girls are 2 and 5, should i be doing something"
    )
    assert "call 999 now" in reply and "01323 464222" in reply
    assert PREVIEWED not in reply


def test_a_hedged_answer_to_the_concern_question_gets_the_urgent_answer(running: Stack) -> None:
    chat = Rest(running.rasa_url, "hedged")
    asked = chat.text_of("I think I've got a family like this at the moment")
    assert "is this about a child you are worried about now?" in asked
    reply = chat.text_of("no... well he's still there most nights")
    assert "call 999 now" in reply and "01323 464222" in reply
    assert PREVIEWED not in reply
    # The question is over: the next message is an ordinary one.
    assert "Goodbye" in chat.text_of("bye")


def test_a_clear_no_to_the_concern_question_carries_on_without_saving(running: Stack) -> None:
    chat = Rest(running.rasa_url, "clear-no")
    chat.say("I think I've got a family like this at the moment")
    reply = chat.text_of("no, it was years ago, the case closed")
    assert "call 999 now" not in reply
    assert PREVIEWED in reply  # offered as a reflection, saved only on Save


def test_a_worry_written_over_two_parts_of_a_reflection_is_answered_not_previewed(
    running: Stack,
) -> None:
    chat = Rest(running.rasa_url, "two-parts")
    chat.say("/add_reflection")
    first = chat.text_of("this made me think about the little boy I visit every week, he is 4")
    assert PREVIEWED in first
    chat.say("/add_to_reflection")
    reply = chat.text_of("and the man now living with them was in prison for hurting kids")
    # Answered at once, or asked about first; never previewed.
    assert PREVIEWED not in reply
    assert "call 999 now" in reply or "worried about now?" in reply


def test_an_identifier_split_over_two_parts_of_a_reflection_is_not_previewed(
    running: Stack,
) -> None:
    chat = Rest(running.rasa_url, "split")
    chat.say("/add_reflection")
    assert PREVIEWED in chat.text_of("I had her mobile as 07700 900")
    chat.say("/add_to_reflection")
    preview = chat.text_of("123 and should have rung it, not written")
    assert PREVIEWED in preview
    assert "900" not in preview and "123" not in preview and "[PHONE" in preview


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return bytes(response.read())


def test_a_cpd_record_of_the_conversation_opens_and_nothing_keeps_it_after_expiry(
    running: Stack,
) -> None:
    """Must show 2 on the real stack: the record's reflection, in Word and PDF; then gone."""
    import io
    import re

    import pypdf
    from docx import Document

    chat = Rest(running.rasa_url, "cpd")
    chat.say("hello")
    assert "Point 1 of 4" in chat.text_of("discuss and reflect")
    chat.say("/add_reflection")
    mine = "I learned to ask who else lives in the household at every single visit."
    assert "household" in chat.text_of(mine)
    chat.say("/save_reflection")
    assert "Saved" in chat.text_of('/choose_agency{"agency":"health"}')

    record = chat.text_of('/ask_cpd_record{"cpd_variant":"swe"}')
    assert mine in record and "anonymised" in record  # the chat text says what they are
    docx_url = re.search(r"\((http[^)\s]+\.docx)\)", record)
    pdf_url = re.search(r"\((http[^)\s]+\.pdf)\)", record)
    assert docx_url and pdf_url, record
    words = "\n".join(p.text for p in Document(io.BytesIO(_download(docx_url[1]))).paragraphs)
    assert mine in words and "Child Z" in words
    pdf = pypdf.PdfReader(io.BytesIO(_download(pdf_url[1])))
    assert "household" in " ".join(page.extract_text() for page in pdf.pages)

    database = running.settings.reflections_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from cpd_records").fetchone() == (1,)
        db.execute("update cpd_records set expires_at = '2000-01-01 00:00:00'")  # time passes
    with pytest.raises(urllib.error.HTTPError) as gone:
        _download(docx_url[1])
    assert gone.value.code in (404, 410)
    token = docx_url[1].rsplit("/", 1)[1].removesuffix(".docx")
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from cpd_records").fetchone() == (0,)
        tables = [row[0] for row in db.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            for row in db.execute(f"select * from {table}"):  # our own table names
                assert token not in repr(row)
