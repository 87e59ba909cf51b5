"""How a setting is declared, and the parsers: each error names the variable."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.settings import kinds
from bot.settings.kinds import PROJECT_ROOT, Context, SettingsError, setting

DEVELOPMENT = Context(production=False, var_dir=Path("/nonexistent"))
PRODUCTION = Context(production=True, var_dir=Path("/nonexistent"))


@dataclass(frozen=True)
class Toy:
    port: int = setting("TOY_PORT", 80, kinds.port, "A port.", group="Toy")
    password: str | None = setting(
        "TOY_PASSWORD", None, kinds.optional_text, "A password.", group="Toy", secret=True
    )
    plain: str = "not a setting"


def test_declared_settings_are_named_after_their_fields_in_order() -> None:
    table = kinds.declared_settings(Toy)

    assert [(spec.field, spec.env, spec.default) for spec in table] == [
        ("port", "TOY_PORT", 80),
        ("password", "TOY_PASSWORD", None),
    ]
    assert Toy().port == 80 and Toy.port == 80  # an ordinary default to the dataclass


def test_a_secret_stays_out_of_repr() -> None:
    assert "hunter2" not in repr(Toy(password="hunter2"))
    assert "8080" in repr(Toy(port=8080))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (b"key", "key"),
        (("a", "b"), "a,b"),
        ((), ""),
        (5005, "5005"),
        (PROJECT_ROOT / "var", str(PROJECT_ROOT / "var")),
    ],
)
def test_env_text_is_what_the_parser_reads_back(value: object, text: str) -> None:
    assert kinds.env_text(value) == text


def test_whole_numbers_name_the_variable_and_the_unit() -> None:
    days = kinds.whole(high=10, unit=" of days")

    assert days("X_DAYS", None, 3, DEVELOPMENT) == 3
    assert days("X_DAYS", " ", 3, DEVELOPMENT) == 3
    assert days("X_DAYS", "10", 3, DEVELOPMENT) == 10
    with pytest.raises(SettingsError, match=r"^X_DAYS must be a whole number of days, got 'x'$"):
        days("X_DAYS", "x", 3, DEVELOPMENT)
    with pytest.raises(SettingsError, match=r"^X_DAYS must be between 1 and 10, got 11$"):
        days("X_DAYS", "11", 3, DEVELOPMENT)


def test_urls_take_https_only_when_asked() -> None:
    anywhere = kinds.url()
    in_production = kinds.url(https="production")
    always = kinds.url(https="always")
    plain = "http://127.0.0.1:9/x/"

    assert anywhere("U", plain, None, PRODUCTION) == "http://127.0.0.1:9/x"
    assert in_production("U", plain, None, DEVELOPMENT) == "http://127.0.0.1:9/x"
    assert in_production("U", " ", "https://default", PRODUCTION) == "https://default"
    for parse, context in ((in_production, PRODUCTION), (always, DEVELOPMENT)):
        with pytest.raises(SettingsError, match=r"^U must be an absolute https:// URL"):
            parse("U", plain, None, context)
    with pytest.raises(SettingsError, match=r"^U must be an absolute http:// or https:// URL"):
        anywhere("U", "example.org", None, DEVELOPMENT)


def test_a_token_is_required_only_where_declared_and_only_in_production() -> None:
    required = kinds.token(required_in_production=True)
    optional = kinds.token(required_in_production=False)

    assert required("T", None, None, DEVELOPMENT) is None
    assert optional("T", "", None, PRODUCTION) is None
    assert required("T", " " + "t" * 32 + " ", None, PRODUCTION) == "t" * 32
    with pytest.raises(SettingsError, match=r"^T must be set in production"):
        required("T", "", None, PRODUCTION)


def test_the_development_secret_is_made_in_var_dir(tmp_path: Path) -> None:
    context = Context(production=False, var_dir=tmp_path / "var")

    made = kinds.secret_key("S", None, b"", context)

    assert made == (tmp_path / "var" / "secret.key").read_text().strip().encode()
    assert kinds.secret_key("S", "change-me", b"", context) == made  # a placeholder is unset
    with pytest.raises(SettingsError, match=r"^S must be set to a long random value"):
        kinds.secret_key("S", "change-me", b"", Context(production=True, var_dir=tmp_path))


def test_text_keeps_a_blank_value_and_host_does_not() -> None:
    assert kinds.text("X", "", "default", DEVELOPMENT) == ""
    assert kinds.host("X", " ", "127.0.0.1", DEVELOPMENT) == "127.0.0.1"
    assert kinds.optional_text("X", "", None, DEVELOPMENT) is None


# --- placeholder secrets ---


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("<client secret value>", "a template to fill in"),
        ("$(python3 -c 'import secrets')", "a template to fill in"),
        ("CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME", "a placeholder word"),
        ("an-example-token-for-the-readme-only", "a placeholder word"),
        ("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "a placeholder word"),
        ("Password", "a word, not a secret"),
        ("s-e-c-r-e-t", "a word, not a secret"),
        ("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "one character repeated"),
        ("1212121212121212121212121212121212", "too few different characters to be random"),
    ],
)
def test_a_placeholder_is_recognised_with_its_reason(value: str, reason: str) -> None:
    assert kinds.placeholder_reason(value) == reason


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=16, max_value=64), st.booleans())
def test_a_random_secret_is_never_a_placeholder(size: int, hexadecimal: bool) -> None:
    value = secrets.token_hex(size) if hexadecimal else secrets.token_urlsafe(size)

    assert kinds.placeholder_reason(value) is None


def test_documented_values_are_read_from_assignments(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "   TOY_PASSWORD=shown-in-the-docs\n`OTHER=ignored` and TOY_PASSWORD=`not-a-value`\n",
        encoding="utf-8",
    )

    found = kinds.documented_values({"TOY_PASSWORD"}, (readme, tmp_path / "missing"))

    assert found == {"shown-in-the-docs"}


@pytest.mark.parametrize("raw", ["5", "10", "1000"])
def test_disclosure_k_accepts_five_and_more(raw: str) -> None:
    assert kinds.disclosure_k("PORTAL_K", raw, 10, PRODUCTION) == int(raw)


@pytest.mark.parametrize("raw", ["4", "1", "0", "-3"])
def test_disclosure_k_refuses_below_five(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"^PORTAL_K must be at least 5 \("):
        kinds.disclosure_k("PORTAL_K", raw, 10, DEVELOPMENT)
