"""Bearer tokens for our own endpoints: exact match, any scheme case, nothing when unset."""

from __future__ import annotations

import pytest

from bot.channels.http_auth import bearer_matches

TOKEN = "a-long-shared-secret-token-0123456789"


@pytest.mark.parametrize(
    "header", [f"Bearer {TOKEN}", f"bearer {TOKEN}", f"BEARER  {TOKEN} ", f" Bearer {TOKEN}"]
)
def test_the_token_matches_in_any_scheme_case(header: str) -> None:
    assert bearer_matches(header, TOKEN)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        TOKEN,
        f"Basic {TOKEN}",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN.upper()}",
        f"Bearer {TOKEN} extra",
    ],
)
def test_anything_else_does_not(header: str | None) -> None:
    assert not bearer_matches(header, TOKEN)


@pytest.mark.parametrize("header", [None, "", "Bearer ", "Bearer x"])
def test_an_empty_expected_token_matches_nothing(header: str | None) -> None:
    assert not bearer_matches(header, "")
