from __future__ import annotations

from bench.load import journey, reflection_tag
from bench.soak import RECEIPT, Message, Tally, check, render, summary, verdict
from bot.reflections.receipts import receipt_hash
from tests.settings import TEST_SECRET

CODES = ("7K2QD-M9XAT", "4H8NB-2WQ7C", "9RX3M-T6PQA")


def _tally() -> Tally:
    tally = Tally(batch=417)
    for n, code in enumerate(CODES):
        tally.confirmations[f"rest-{n}"] = [code]
        tally.messages.append(Message("rest", "agency", 0.2, 200, None))
    return tally


def _stored(*pairs: tuple[str, int]) -> list[tuple[str, str]]:
    """Rows as the table holds them: the code's keyed hash and the text with its journey tag."""
    return [
        (receipt_hash(code, secret=TEST_SECRET), f"Some text. {reflection_tag(417, index)}")
        for code, index in pairs
    ]


def test_every_confirmed_reflection_stored_once_passes() -> None:
    stored = _stored(*((code, n) for n, code in enumerate(CODES)))

    result = verdict(_tally(), stored, secret=TEST_SECRET)

    assert result["ok"] is True
    assert result["counts"]["confirmed"] == result["counts"]["stored"] == 3


def test_a_confirmed_reflection_missing_from_the_database_fails() -> None:
    stored = _stored((CODES[0], 0), (CODES[1], 1))

    result = verdict(_tally(), stored, secret=TEST_SECRET)

    assert result["invariants"]["stored == confirmed"] is False
    assert result["counts"]["confirmed_not_stored"] == 1
    assert result["ok"] is False


def test_a_stored_reflection_nobody_was_told_about_fails() -> None:
    stored = _stored(*((code, n) for n, code in enumerate(CODES)), ("2B4CD-6FGH8", 3))

    result = verdict(_tally(), stored, secret=TEST_SECRET)

    assert result["invariants"]["stored == confirmed"] is False
    assert result["counts"]["stored_not_confirmed"] == 1


def test_one_journey_stored_twice_is_a_duplicate_even_under_two_codes() -> None:
    tally = _tally()
    tally.confirmations["rest-0"].append("2B4CD-6FGH8")  # the user was shown a second code
    stored = _stored(*((code, n) for n, code in enumerate(CODES)), ("2B4CD-6FGH8", 0))

    result = verdict(tally, stored, secret=TEST_SECRET)

    assert result["invariants"]["0 duplicates"] is False
    assert result["counts"]["journeys_shown_several_codes"] == ["rest-0"]
    assert result["counts"]["duplicates"] == 2  # the second row, and the second code shown


def test_a_5xx_and_a_wrong_reply_fail_their_invariants() -> None:
    tally = _tally()
    tally.messages.append(Message("teams", "save", 0.1, 503, "HTTP 503"))
    tally.messages.append(Message("socketio", "next", 0.1, None, "missing 'Point 2 of 4'"))
    stored = _stored(*((code, n) for n, code in enumerate(CODES)))

    strict = verdict(tally, stored, secret=TEST_SECRET)
    tolerant = verdict(tally, stored, secret=TEST_SECRET, max_errors=2)

    assert strict["invariants"]["0 5xx"] is False
    assert strict["invariants"]["failed messages <= 0"] is False
    assert tolerant["invariants"]["failed messages <= 2"] is True
    assert tolerant["ok"] is False  # a 5xx is never tolerated


def test_the_receipt_code_is_read_from_every_channel_s_confirmation() -> None:
    plain = "Saved, thank you. Your receipt code is 7K2QD-M9XAT."
    markdown = "Saved, thank you. Your receipt code is **7K2QD-M9XAT**."

    assert RECEIPT.findall(plain) == RECEIPT.findall(markdown) == ["7K2QD-M9XAT"]
    assert RECEIPT.findall("Which kind of organisation do you work for?") == []


def test_check_accepts_the_right_reply_and_names_what_is_wrong() -> None:
    step = journey(0)[2]  # "next" → "Point 2 of 4"

    assert check(step, 200, "Point 2 of 4: ...") is None
    assert check(step, None, "Point 2 of 4: ...") is None  # socket.io has no status
    assert check(step, 502, "") == "HTTP 502"
    assert check(step, 200, "Sorry?") == "missing 'Point 2 of 4'"


def test_the_table_shows_each_channel_and_each_invariant() -> None:
    tally = _tally()
    tally.journeys.update({"rest": 3})
    tally.completed.update({"rest": 3})
    stored = _stored(*((code, n) for n, code in enumerate(CODES)))
    report = {
        "conversations": 3,
        "seconds": 60.0,
        "target": "one stack",
        "load_start": "1.0 1.0 1.0",
        "load_end": "2.0 1.0 1.0",
        "summary": summary(tally, 60.0),
        "verdict": verdict(tally, stored, secret=TEST_SECRET),
    }

    table = render(report)

    for channel in ("rest", "socketio", "teams", "all"):
        assert f"\n{channel} " in table
    assert "[ok] stored == confirmed" in table and "[ok] 0 5xx" in table
    assert "confirmed to users 3, stored 3" in table


def test_socketio_latency_is_split_by_transport() -> None:
    tally = _tally()
    tally.messages.append(Message("socketio", "greet", 0.3, None, None, "websocket"))
    tally.messages.append(Message("socketio", "greet", 0.9, None, None, "polling"))
    tally.messages.append(Message("socketio", "next", 5.0, None, "timeout", "polling"))

    by_transport = summary(tally, 60.0)["socketio_by_transport"]

    assert set(by_transport) == {"websocket", "polling"}
    assert by_transport["polling"]["max_ms"] == 900.0  # the timeout is an error, not a latency
