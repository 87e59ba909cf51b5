"""Opting in, opting out, "what do you keep?" and asking the follow-up (bot/followup/service.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.briefing.views import long_date
from bot.content.messages import render
from bot.content.schema import Pack
from bot.followup import service
from bot.followup.service import (
    TEAMS_REFERENCE_KEY,
    WIDGET_TOKEN_KEY,
    Who,
    answered,
    due_now,
    kept,
    opt_in,
    opt_out,
    purge_followups,
)
from bot.settings.config import Settings
from bot.storage.models import Followup
from bot.storage.session import transaction

TODAY = date(2026, 12, 7)
TEAMS = Who("teams", "s_" + "a" * 64, None)
TOKEN = "Ab_-" * 8  # 32 URL-safe characters: the shape of secrets.token_urlsafe(24)


def widget(token: str | None = TOKEN) -> Who:
    return Who("socketio", "s_" + "b" * 64, {"followup_token": token} if token else None)


def rows(factory: sessionmaker) -> list[Followup]:
    with transaction(factory) as session:
        return list(session.execute(select(Followup).order_by(Followup.id)).scalars())


def test_teams_opt_in_stores_one_row_and_asks_the_channel_for_the_address(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    points = ["legacy-of-domestic-abuse", "risks-from-other-adults", "not-a-point"]

    result = opt_in(factory, settings, TEAMS, pack=pack, points=points, today=TODAY)

    [row] = rows(factory)
    assert result.payloads == ({TEAMS_REFERENCE_KEY: row.public_id},)
    assert row.channel == "teams" and row.status == "pending" and row.reference is None
    assert (row.pack_id, row.pack_version) == (pack.id, pack.version)
    assert row.points == "risks-from-other-adults,legacy-of-domestic-abuse"  # pack order, known
    assert row.due_on == TODAY + timedelta(days=settings.followup_days)
    assert TEAMS.sender_id not in row.owner_key and len(row.owner_key) == 64
    assert result.message == render(
        "followup_opted_in_teams",
        briefing_title=pack.title,
        due_date=long_date(row.due_on),
        points="1 and 2",
    )
    assert "stop the follow-up" in result.message.text


def test_opting_in_again_replaces_the_follow_up_and_renews_its_day(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    opt_in(factory, settings, TEAMS, pack=pack, points=[], today=TODAY)
    later = TODAY + timedelta(days=10)

    opt_in(factory, settings, TEAMS, pack=pack, points=["using-the-procedures"], today=later)

    [row] = rows(factory)
    assert row.due_on == later + timedelta(days=settings.followup_days)
    assert row.points == "using-the-procedures"


def test_a_widget_without_a_token_gets_a_new_one_and_only_its_hash_is_kept(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    result = opt_in(factory, settings, widget(None), pack=pack, points=[], today=TODAY)

    [payload] = result.payloads
    token = payload[WIDGET_TOKEN_KEY]
    assert service.TOKEN_SHAPE.fullmatch(token)
    [row] = rows(factory)
    assert row.channel == "widget" and token not in row.owner_key
    assert "none" in result.message.text  # no points discussed
    # The widget sends the token back on its next visit: the same follow-up is found.
    assert (
        kept(factory, settings, widget(token), today=TODAY).text
        != render("followup_kept_nothing").text
    )


def test_a_widget_with_its_token_reuses_it(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    result = opt_in(factory, settings, widget(), pack=pack, points=[], today=TODAY)

    assert result.payloads == ()
    assert rows(factory)[0].owner_key == service.owner_of(settings, widget()).key  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", ["short", "x" * 33, "a" * 31 + "!", 12345, ["list"]])
def test_a_malformed_widget_token_is_ignored(settings: Settings, bad: object) -> None:
    assert service.owner_of(settings, Who("socketio", "s", {"followup_token": bad})) is None


@pytest.mark.parametrize("kind", ["rest", "cmdline", "", "botframework"])
def test_other_channels_are_told_and_nothing_is_stored(
    factory: sessionmaker, settings: Settings, pack: Pack, kind: str
) -> None:
    result = opt_in(
        factory,
        settings,
        Who(kind, "sender", {"followup_token": TOKEN}),
        pack=pack,
        points=[],
        today=TODAY,
    )

    assert result.message == render("followup_unavailable") and result.payloads == ()
    assert rows(factory) == []


def test_owner_keys_differ_by_channel_and_secret(settings: Settings) -> None:
    same = Who("socketio", "x", {"followup_token": TEAMS.sender_id[:32]})
    teams_owner = service.owner_of(settings, Who("teams", TEAMS.sender_id[:32], None))
    widget_owner = service.owner_of(settings, same)
    assert teams_owner and widget_owner and teams_owner.key != widget_owner.key


def test_opt_out_deletes_every_follow_up_of_the_person_only(
    factory: sessionmaker, settings: Settings, pack: Pack, second_pack: Pack
) -> None:
    opt_in(factory, settings, TEAMS, pack=pack, points=[], today=TODAY)
    opt_in(factory, settings, TEAMS, pack=second_pack, points=[], today=TODAY)
    opt_in(factory, settings, widget(), pack=pack, points=[], today=TODAY)

    assert opt_out(factory, settings, TEAMS) == render("followup_stopped")

    assert [row.channel for row in rows(factory)] == ["widget"]
    assert opt_out(factory, settings, TEAMS) == render("followup_stopped_nothing")
    assert opt_out(factory, settings, widget(None)) == render("followup_stopped_nothing")


def test_kept_says_exactly_what_the_row_holds(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    assert kept(factory, settings, TEAMS, today=TODAY) == render("followup_kept_nothing")
    opt_in(factory, settings, TEAMS, pack=pack, points=["using-the-procedures"], today=TODAY)
    [row] = rows(factory)

    text = kept(factory, settings, TEAMS, today=TODAY).text

    assert pack.title in text and pack.version in text
    assert "the points you discussed: 4" in text
    assert long_date(row.due_on) in text and "not asked yet" in text
    assert render("followup_reach_no_address").text in text
    with transaction(factory) as session:
        session.get(Followup, row.id).reference = "sealed"
    assert render("followup_reach_address").text in kept(factory, settings, TEAMS, today=TODAY).text


def test_kept_shows_an_asked_follow_up_and_until_when(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    opt_in(factory, settings, widget(), pack=pack, points=[], today=TODAY)
    due = TODAY + timedelta(days=settings.followup_days)
    assert due_now(factory, settings, widget(), today=due) is not None

    text = kept(factory, settings, widget(), today=due).text

    until = due + timedelta(days=settings.followup_answer_days)
    assert f"asked on {long_date(due)}" in text and long_date(until) in text
    assert render("followup_reach_widget").text in text


def test_the_widget_is_asked_on_the_first_visit_on_or_after_the_due_day(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    opt_in(factory, settings, widget(), pack=pack, points=[], today=TODAY)
    due = TODAY + timedelta(days=settings.followup_days)

    assert due_now(factory, settings, widget(), today=due - timedelta(days=1)) is None
    found = due_now(factory, settings, widget(), today=due + timedelta(days=2))

    assert found is not None and found.pack_id == pack.id
    assert found.message == render("followup_question", briefing_title=pack.title)
    assert [b["payload"] for b in found.message.buttons] == [
        "/answer_followup",
        "/deny",
        "/opt_out_followup",
    ]
    [row] = rows(factory)
    assert row.status == "asked" and row.asked_on == due + timedelta(days=2)
    # "Not now": asked again on a later visit, the same follow-up, until answered.
    again = due_now(factory, settings, widget(), today=due + timedelta(days=5))
    assert again is not None and again.public_id == found.public_id
    assert due_now(factory, settings, widget(None), today=due) is None


@pytest.mark.parametrize(("discussed", "expected"), [(1, 1), (2, None), (0, None)])
def test_the_answer_is_about_the_one_point_discussed_else_the_briefing_as_a_whole(
    factory: sessionmaker, settings: Settings, pack: Pack, discussed: int, expected: int | None
) -> None:
    points = [point.id for point in pack.discussion_points[:discussed]]
    opt_in(factory, settings, widget(), pack=pack, points=points, today=TODAY)

    found = due_now(factory, settings, widget(), today=TODAY + timedelta(days=365))

    assert found is not None and found.point_number == expected


def test_teams_is_asked_only_once_the_job_sent_it(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    opt_in(factory, settings, TEAMS, pack=pack, points=[], today=TODAY)
    far = TODAY + timedelta(days=365)
    with transaction(factory) as session:
        row = session.execute(select(Followup)).scalar_one()
        row.reference = "sealed address"  # the job will send it: not asked here
    assert due_now(factory, settings, TEAMS, today=far) is None
    with transaction(factory) as session:
        row = session.execute(select(Followup)).scalar_one()
        row.status, row.asked_on, row.reference = "asked", far, None

    found = due_now(factory, settings, TEAMS, today=far)

    assert found is not None and found.public_id == row.public_id


def test_answered_deletes_the_follow_up(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    opt_in(factory, settings, widget(), pack=pack, points=[], today=TODAY)
    found = due_now(factory, settings, widget(), today=TODAY + timedelta(days=400))
    assert found is not None

    answered(factory, settings, found.public_id)

    assert rows(factory) == []
    assert due_now(factory, settings, widget(), today=TODAY + timedelta(days=400)) is None


def test_purge_deletes_unanswered_and_never_asked_follow_ups(
    factory: sessionmaker, settings: Settings, pack: Pack, second_pack: Pack
) -> None:
    days = settings.followup_answer_days
    opt_in(factory, settings, widget(), pack=pack, points=[], today=TODAY)  # never visited
    opt_in(factory, settings, TEAMS, pack=pack, points=[], today=TODAY)  # asked, unanswered
    opt_in(factory, settings, TEAMS, pack=second_pack, points=[], today=TODAY)  # asked lately
    due = TODAY + timedelta(days=settings.followup_days)
    with transaction(factory) as session:
        teams = session.execute(
            select(Followup).where(Followup.channel == "teams").order_by(Followup.id)
        ).scalars()
        for row, asked_on in zip(teams, (due, due + timedelta(days=5)), strict=True):
            row.status, row.asked_on = "asked", asked_on
    today = due + timedelta(days=days + 1)

    with transaction(factory) as session:
        assert purge_followups(session=session, today=today, answer_days=days) == 2

    [left] = rows(factory)
    assert left.pack_id == second_pack.id
    with transaction(factory) as session:
        assert (
            purge_followups(session=session, today=due + timedelta(days=days), answer_days=days)
            == 0
        )


def test_a_due_teams_follow_up_without_an_address_is_asked_on_the_next_message(
    factory: sessionmaker, settings: Settings, pack: Pack
) -> None:
    opt_in(factory, settings, TEAMS, pack=pack, points=[], today=TODAY)  # never attached
    due = TODAY + timedelta(days=settings.followup_days)

    assert due_now(factory, settings, TEAMS, today=due - timedelta(days=1)) is None
    found = due_now(factory, settings, TEAMS, today=due)

    assert found is not None
    [row] = rows(factory)
    assert row.status == "asked" and row.asked_on == due
