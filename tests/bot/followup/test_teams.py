"""The proactive Teams message (bot/followup/teams.py), against a fake connector HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from bot.content.messages import render
from bot.followup.references import Reference
from bot.followup.teams import TeamsNotConfigured, proactive_activity, teams_sender
from bot.settings.config import Settings
from bot.teams.http import ConnectorError

TOKEN_URL = "https://login.example.test/tenant/oauth2/v2.0/token"
REFERENCE = Reference(
    service_url="https://smba.trafficmanager.net/emea/",
    conversation_id="19:group;messageid=17",
    conversation_type="groupChat",
    tenant_id="tenant-1",
    bot_id="28:bot",
    bot_name="Reflect",
)


class FakeHttp:
    """The token endpoint and the Connector API: records posts, answers the queued statuses."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.posts: list[tuple[str, dict[str, Any], str]] = []
        self.tokens = 0

    async def get_json(self, url: str) -> Any:
        raise AssertionError("no GET expected")

    async def post_form(self, url: str, form: Mapping[str, str]) -> Any:
        assert url == TOKEN_URL and form["client_id"] == "app-id"
        self.tokens += 1
        return {"access_token": f"bot-token-{self.tokens}", "expires_in": 3600}

    async def post_json(self, url: str, body: Mapping[str, Any], *, bearer: str) -> int:
        self.posts.append((url, dict(body), bearer))
        return self.statuses.pop(0) if self.statuses else 201


@pytest.fixture
def teams_settings(settings: Settings) -> Settings:
    return replace(
        settings,
        teams_app_id="app-id",
        teams_app_password="app-password",
        teams_token_url=TOKEN_URL,
    )


def test_the_question_is_a_new_message_with_clickable_buttons(teams_settings: Settings) -> None:
    message = render("followup_question", briefing_title="Child Z")
    http = FakeHttp()

    with teams_sender(teams_settings, http=http) as send:
        send(REFERENCE, message)

    [(url, activity, bearer)] = http.posts
    assert url == (
        "https://smba.trafficmanager.net/emea/v3/conversations/"
        "19%3Agroup%3Bmessageid%3D17/activities"
    )
    assert bearer == "bot-token-1"
    assert "replyToId" not in activity and "recipient" not in activity
    assert activity["conversation"] == {"id": REFERENCE.conversation_id}
    assert activity["channelData"] == {"tenant": {"id": "tenant-1"}}
    assert activity["from"] == {"id": "28:bot", "name": "Reflect"}
    assert "Child Z" in activity["text"]
    buttons = activity["attachments"][0]["content"]["buttons"]
    assert [b["value"]["payload"] for b in buttons] == [
        "/answer_followup",
        "/deny",
        "/opt_out_followup",
    ]
    assert {b["type"] for b in buttons} == {"messageBack"}


def test_a_refused_token_is_renewed_once(teams_settings: Settings) -> None:
    http = FakeHttp(401)

    with teams_sender(teams_settings, http=http) as send:
        send(REFERENCE, render("followup_question", briefing_title="Child Z"))

    assert [bearer for _, _, bearer in http.posts] == ["bot-token-1", "bot-token-2"]


def test_a_refusal_raises_for_the_job_to_retry(teams_settings: Settings) -> None:
    http = FakeHttp(503)

    with teams_sender(teams_settings, http=http) as send, pytest.raises(ConnectorError):
        send(REFERENCE, render("followup_question", briefing_title="Child Z"))


def test_a_service_url_no_longer_allowed_gets_no_token(teams_settings: Settings) -> None:
    http = FakeHttp()
    elsewhere = replace(REFERENCE, service_url="https://evil.example/amer/")

    with teams_sender(teams_settings, http=http) as send, pytest.raises(ConnectorError):
        send(elsewhere, render("followup_question", briefing_title="Child Z"))

    assert http.posts == [] and http.tokens == 0


def test_without_a_teams_app_nothing_can_be_sent(settings: Settings) -> None:
    with pytest.raises(TeamsNotConfigured), teams_sender(settings, http=FakeHttp()):
        pass


def test_without_a_tenant_no_channel_data_is_sent() -> None:
    activity = proactive_activity(
        replace(REFERENCE, tenant_id=None), render("followup_question", briefing_title="X")
    )
    assert "channelData" not in activity
