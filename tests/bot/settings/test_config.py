"""Settings come from the environment and .env, validated once, with the variable named."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import pytest

from bot.settings.config import (
    DEFAULT_PACK_DIR,
    PROJECT_ROOT,
    Settings,
    SettingsError,
    child_environment,
    load_settings,
    lock_store_environment,
    settings_table,
    tracker_store_environment,
)
from tests.settings import TEST_SECRET, make_settings

#: Random-looking values production accepts (one repeated character is a placeholder there).
PRODUCTION_SECRET = "9c1f0b7e5a3d28c4f61e0a9b7d3c5e2f8a4b6c0d"
PRODUCTION_TOKEN = "e2b7d94c1a0f3e8b6d5c2a7f9e1b4d3c"
REST_TOKEN = "5f8a2c7e1d9b3f6a0c4e8d2b7a1f5c9e"

#: Every variable Settings reads (the table), so none leaks in from the developer's shell.
VARIABLES = tuple(spec.env for spec in settings_table())


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell or .env, and none leaks out.

    load_dotenv writes into os.environ; setting each variable before deleting it makes
    monkeypatch restore (or remove) it afterwards, whatever a test's .env put there.

    REFLECT_SECRET is the tests' own: without it, development generates var/secret.key, and
    with VAR_DIR at its default that is the checkout's var/. The tests of that generation
    unset it and point VAR_DIR at tmp_path.
    """
    for name in VARIABLES:
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    monkeypatch.setenv("REFLECT_SECRET", TEST_SECRET.decode())
    monkeypatch.chdir(tmp_path)


def write_env(path: Path, **values: str) -> Path:
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()), encoding="utf-8")
    return path


def test_defaults_without_environment() -> None:
    settings = load_settings(env_file=None)

    # Everything is the default; the secret is the tests' own (Settings has no default one).
    assert settings == Settings(secret=TEST_SECRET)
    assert settings.database_url is None
    assert settings.content_dir == DEFAULT_PACK_DIR
    assert settings.var_dir == PROJECT_ROOT / "var"
    assert settings.rasa_port == 5005
    assert settings.action_port == 5055
    assert settings.log_level == "INFO"
    assert not settings.is_production


def test_reads_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    content = tmp_path / "packs"
    content.mkdir()
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("CONTENT_DIR", str(content))
    monkeypatch.setenv("DEFAULT_PACK_ID", "another-pack")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("RASA_HOST", "0.0.0.0")
    monkeypatch.setenv("RASA_PORT", "6005")
    monkeypatch.setenv("ACTION_PORT", "6055")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("REFLECT_SECRET", PRODUCTION_SECRET)
    monkeypatch.setenv("ACTION_HOST", "10.0.0.5")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", PRODUCTION_TOKEN)
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("RETENTION_DAYS", "90")
    monkeypatch.setenv("TRACKER_RETENTION_DAYS", "7")
    monkeypatch.setenv("WITHDRAWAL_GLOBAL_FAILURES_PER_DAY", "50")

    settings = load_settings(env_file=None)

    assert settings == Settings(
        database_url="postgresql://postgres@127.0.0.1:5432/test",
        secret=PRODUCTION_SECRET.encode(),
        retention_days=90,
        tracker_retention_days=7,
        withdrawal_global_failures_per_day=50,
        app_env="production",
        content_dir=content,
        default_pack_id="another-pack",
        var_dir=tmp_path / "state",
        rasa_host="0.0.0.0",
        rasa_port=6005,
        action_host="10.0.0.5",
        action_port=6055,
        action_server_token=PRODUCTION_TOKEN,
        log_level="DEBUG",
    )
    assert settings.is_production


def test_relative_paths_are_relative_to_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENT_DIR", "bot/content/packs")
    monkeypatch.setenv("VAR_DIR", "var")

    settings = load_settings(env_file=None)

    assert settings.content_dir == DEFAULT_PACK_DIR
    assert settings.var_dir == PROJECT_ROOT / "var"


def test_reads_an_env_file(tmp_path: Path) -> None:
    env_file = write_env(tmp_path / "test.env", RASA_PORT="6000", LOG_LEVEL="warning")

    settings = load_settings(env_file=env_file)

    assert settings.rasa_port == 6000
    assert settings.log_level == "WARNING"


def test_reads_dot_env_in_the_working_directory_by_default(tmp_path: Path) -> None:
    write_env(tmp_path / ".env", ACTION_PORT="6055")

    assert load_settings().action_port == 6055


def test_real_environment_wins_over_env_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env_file = write_env(tmp_path / "test.env", RASA_PORT="6000", RASA_HOST="10.0.0.1")
    monkeypatch.setenv("RASA_PORT", "7000")

    settings = load_settings(env_file=env_file)

    assert settings.rasa_port == 7000
    assert settings.rasa_host == "10.0.0.1"


def test_a_missing_env_file_is_not_an_error(tmp_path: Path) -> None:
    settings = load_settings(env_file=tmp_path / "absent.env")
    assert settings == Settings(secret=TEST_SECRET)


def test_an_empty_port_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_PORT", "  ")

    assert load_settings(env_file=None).rasa_port == 5005


@pytest.mark.parametrize("variable", ["RASA_PORT", "ACTION_PORT"])
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("abc", "must be a whole number, got 'abc'"),
        ("50.5", "must be a whole number"),
        ("0", "must be between 1 and 65535, got 0"),
        ("-1", "must be between 1 and 65535, got -1"),
        ("65536", "must be between 1 and 65535, got 65536"),
    ],
)
def test_bad_port_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SettingsError, match=rf"^{variable} {problem}"):
        load_settings(env_file=None)


def test_bad_port_in_env_file_names_the_variable(tmp_path: Path) -> None:
    env_file = write_env(tmp_path / "test.env", ACTION_PORT="five")

    with pytest.raises(SettingsError, match=r"^ACTION_PORT must be a whole number"):
        load_settings(env_file=env_file)


@pytest.mark.parametrize("value", ["LOUD", "", "verbose"])
def test_bad_log_level_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LOG_LEVEL", value)

    with pytest.raises(SettingsError, match=r"^LOG_LEVEL must be DEBUG, INFO"):
        load_settings(env_file=None)


def test_missing_content_dir_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path / "no-such-dir"))

    with pytest.raises(SettingsError, match=r"^CONTENT_DIR .*no-such-dir is not a directory"):
        load_settings(env_file=None)


def test_content_dir_that_is_a_file_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    not_a_dir = tmp_path / "packs.yml"
    not_a_dir.write_text("", encoding="utf-8")
    monkeypatch.setenv("CONTENT_DIR", str(not_a_dir))

    with pytest.raises(SettingsError, match=r"^CONTENT_DIR"):
        load_settings(env_file=None)


def test_settings_are_frozen(settings: Settings) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.rasa_port = 1  # type: ignore[misc]


def test_sqlite_tracker_store_lives_in_var_dir(settings: Settings) -> None:
    env = tracker_store_environment(settings)
    assert env == {
        "REFLECT_TRACKER_DIALECT": "sqlite",
        "REFLECT_TRACKER_URL": "",
        "REFLECT_TRACKER_DB": str(settings.var_dir / "tracker.db"),
    }
    assert settings.reflections_url == f"sqlite:///{settings.var_dir / 'reflect.db'}"


def test_postgresql_tracker_store_uses_database_url(settings: Settings) -> None:
    url = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
    env = tracker_store_environment(dataclasses.replace(settings, database_url=url))
    assert env["REFLECT_TRACKER_DIALECT"] == "postgresql"
    assert env["REFLECT_TRACKER_URL"] == url


def test_development_secret_is_generated_once_and_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("REFLECT_SECRET", raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    first = load_settings(env_file=None).secret
    assert len(first) >= 32
    assert load_settings(env_file=None).secret == first
    assert (tmp_path / "var" / "secret.key").stat().st_mode & 0o077 == 0


@pytest.mark.usefixtures("keep_umask")
def test_the_development_secret_key_is_private_from_the_moment_it_exists(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Created 0600 (not written, then chmod-ed: another user could open it in between)."""
    monkeypatch.delenv("REFLECT_SECRET", raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)
    monkeypatch.setattr(Path, "chmod", lambda *args, **kwargs: None)
    os.umask(0)  # the most permissive a caller could leave it

    secret = load_settings(env_file=None).secret

    key = tmp_path / "var" / "secret.key"
    assert oct(stat.S_IMODE(key.stat().st_mode)) == oct(0o600)
    assert oct(stat.S_IMODE((tmp_path / "var").stat().st_mode)) == oct(0o700)
    assert key.read_text().strip().encode() == secret


def test_production_refuses_a_missing_or_placeholder_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    for value in ("", "change-me"):
        monkeypatch.setenv("REFLECT_SECRET", value)
        with pytest.raises(SettingsError, match="REFLECT_SECRET"):
            load_settings(env_file=None)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("RETENTION_DAYS", "soon"),
        ("TRACKER_RETENTION_DAYS", "0"),
        ("REFLECT_SECRET", "too-short"),
        ("WITHDRAWAL_GLOBAL_FAILURES_PER_DAY", "0"),
        ("WITHDRAWAL_GLOBAL_FAILURES_PER_DAY", "unlimited"),
    ],
)
def test_bad_storage_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str
) -> None:
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings(env_file=None)


def test_child_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOMETHING_ELSE", "kept")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    settings = make_settings(var_dir=tmp_path / "var", action_port=5099, log_level="DEBUG")
    before = dict(os.environ)

    env = child_environment(settings)

    assert env["REFLECT_ACTION_URL"] == "http://127.0.0.1:5099/webhook"
    assert env["REFLECT_ACTION_AUTHORIZATION"] == f"Bearer {settings.action_token}"
    assert env["REFLECT_TRACKER_DB"] == str(tmp_path / "var" / "tracker.db")
    assert env["REFLECT_SECRET"] == settings.secret.decode()
    assert env["DATABASE_URL"] == f"sqlite:///{tmp_path / 'var' / 'reflect.db'}"
    assert env["CONTENT_DIR"] == str(DEFAULT_PACK_DIR)
    assert env["DEFAULT_PACK_ID"] == "esscp-child-z"
    assert env["LOG_LEVEL"] == "DEBUG"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["PYTHONPATH"] == os.pathsep.join([str(PROJECT_ROOT), "/elsewhere"])
    assert env["SOMETHING_ELSE"] == "kept"
    assert dict(os.environ) == before


def test_child_environment_without_pythonpath(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.delenv("PYTHONPATH", raising=False)

    assert child_environment(settings)["PYTHONPATH"] == str(PROJECT_ROOT)


def test_widget_origins_are_the_web_app_public_url_and_the_extras(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_PORT", "8181")
    monkeypatch.setenv("PUBLIC_URL", "https://reflect.example.org/")
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", "https://www.esscp.org.uk, http://intranet:8000")

    settings = load_settings(env_file=None)

    assert settings.web_url == "http://127.0.0.1:8181"
    assert settings.public_url == "https://reflect.example.org"
    assert settings.widget_origins == (
        "http://127.0.0.1:8181",
        "http://localhost:8181",
        "https://reflect.example.org",
        "https://www.esscp.org.uk",
        "http://intranet:8000",
    )
    assert settings.socket_url == "http://127.0.0.1:5005"


@pytest.mark.parametrize("value", ["www.esscp.org.uk", "https://esscp.org.uk/page", "ftp://x"])
def test_bad_widget_origin_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", value)

    with pytest.raises(SettingsError, match="WIDGET_ALLOWED_ORIGINS"):
        load_settings(env_file=None)


def test_teams_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "pw")
    monkeypatch.setenv("MICROSOFT_TENANT_ID", "tenant-guid")
    monkeypatch.setenv("TEAMS_ALLOWED_SERVICE_URLS", "https://smba.trafficmanager.net/emea/,")

    settings = load_settings(env_file=None)

    assert settings.teams_app_id == "11111111-2222-3333-4444-555555555555"
    assert "pw" not in repr(settings)
    assert settings.teams_token_endpoint == (
        "https://login.microsoftonline.com/tenant-guid/oauth2/v2.0/token"
    )
    assert settings.teams_service_urls == ("https://smba.trafficmanager.net/emea/",)
    assert settings.teams_issuers == ("https://api.botframework.com",)


def test_multi_tenant_token_endpoint_and_override(settings: Settings) -> None:
    assert settings.teams_token_endpoint == (
        "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    )
    override = dataclasses.replace(settings, teams_token_url="http://127.0.0.1:9/token")
    assert override.teams_token_endpoint == "http://127.0.0.1:9/token"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TEAMS_OPENID_URL", "not a url"),
        ("TEAMS_PRIVACY_URL", "http://esscp.org.uk/privacy"),
        ("RASA_PUBLIC_URL", "reflect.example.org"),
    ],
)
def test_bad_urls_name_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match=name):
        load_settings(env_file=None)


def test_the_action_server_token_is_derived_from_the_secret_in_development(
    settings: Settings,
) -> None:
    token = settings.action_token
    other = dataclasses.replace(settings, secret=b"another-secret-another-secret-12345")

    assert len(token) == 64 and int(token, 16) >= 0
    assert token == dataclasses.replace(settings).action_token
    assert token != other.action_token
    assert settings.secret.decode() not in token
    assert dataclasses.replace(settings, action_server_token="e" * 40).action_token == "e" * 40
    assert token not in repr(settings)


def test_production_refuses_to_start_without_an_action_server_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("REFLECT_SECRET", PRODUCTION_SECRET)

    with pytest.raises(SettingsError, match=r"^ACTION_SERVER_TOKEN must be set in production"):
        load_settings(env_file=None)
    monkeypatch.setenv("ACTION_SERVER_TOKEN", PRODUCTION_TOKEN)
    assert load_settings(env_file=None).action_token == PRODUCTION_TOKEN


@pytest.mark.parametrize("value", ["short", "t" * 31, "has a space " + "t" * 30])
def test_a_weak_action_server_token_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("ACTION_SERVER_TOKEN", value)

    with pytest.raises(SettingsError, match=r"^ACTION_SERVER_TOKEN must be at least 32"):
        load_settings(env_file=None)


def test_the_rest_channel_token_is_optional_and_opens_the_channel_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("REFLECT_SECRET", PRODUCTION_SECRET)
    monkeypatch.setenv("ACTION_SERVER_TOKEN", PRODUCTION_TOKEN)

    closed = load_settings(env_file=None)
    monkeypatch.setenv("REST_CHANNEL_TOKEN", REST_TOKEN)
    opened = load_settings(env_file=None)

    assert (closed.rest_channel_token, closed.rest_channel_open) == (None, False)
    assert (opened.rest_channel_token, opened.rest_channel_open) == (REST_TOKEN, True)
    assert REST_TOKEN not in repr(opened)
    assert make_settings().rest_channel_open  # development: open without a token


def test_request_max_bytes_limits_the_rasa_server(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(env_file=None).request_max_bytes == 256 * 1024
    monkeypatch.setenv("REQUEST_MAX_BYTES", "524288")

    settings = load_settings(env_file=None)

    assert settings.request_max_bytes == 524288
    assert child_environment(settings)["SANIC_REQUEST_MAX_SIZE"] == "524288"


@pytest.mark.parametrize("value", ["1000", "68000000", "lots"])
def test_a_bad_request_max_bytes_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("REQUEST_MAX_BYTES", value)

    with pytest.raises(SettingsError, match=r"^REQUEST_MAX_BYTES must be"):
        load_settings(env_file=None)


@pytest.mark.parametrize("value", ["short", "r" * 31])
def test_a_weak_rest_channel_token_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("REST_CHANNEL_TOKEN", value)

    with pytest.raises(SettingsError, match=r"^REST_CHANNEL_TOKEN must be at least 32"):
        load_settings(env_file=None)


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:5055/webhook"),
        ("0.0.0.0", "http://127.0.0.1:5055/webhook"),
        ("::", "http://127.0.0.1:5055/webhook"),
        ("actions.internal", "http://actions.internal:5055/webhook"),
        ("::1", "http://[::1]:5055/webhook"),
    ],
)
def test_rasa_reaches_the_action_server_where_it_listens(
    monkeypatch: pytest.MonkeyPatch, host: str, url: str
) -> None:
    monkeypatch.setenv("ACTION_HOST", host)

    settings = load_settings(env_file=None)

    assert settings.action_host == host
    assert settings.action_url == url
    assert child_environment(settings)["REFLECT_ACTION_URL"] == url


def test_the_action_server_listens_on_loopback_by_default() -> None:
    assert load_settings(env_file=None).action_host == "127.0.0.1"


def test_production_public_url_must_be_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("REFLECT_SECRET", PRODUCTION_SECRET)
    monkeypatch.setenv("ACTION_SERVER_TOKEN", PRODUCTION_TOKEN)
    monkeypatch.setenv("PUBLIC_URL", "http://reflect.example.org")

    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        load_settings(env_file=None)


@pytest.mark.parametrize("name", ["TEAMS_OPENID_URL", "TEAMS_TOKEN_URL"])
def test_production_teams_urls_must_be_https(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "http://login.example.org/metadata")
    assert load_settings(env_file=None)  # development: the fake connector is plain http
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("REFLECT_SECRET", PRODUCTION_SECRET)
    monkeypatch.setenv("ACTION_SERVER_TOKEN", PRODUCTION_TOKEN)

    with pytest.raises(SettingsError, match=rf"^{name} must be an absolute https:// URL"):
        load_settings(env_file=None)
    monkeypatch.setenv(name, "https://login.example.org/metadata")
    assert load_settings(env_file=None)


def test_child_environment_round_trips_the_channel_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = dataclasses.replace(
        Settings(var_dir=tmp_path / "var", secret=b"s" * 40),
        web_port=8123,
        widget_origins_extra=("https://www.esscp.org.uk",),
        teams_app_id="app",
        teams_app_password="pw",
        teams_openid_url="http://127.0.0.1:9/openid",
        teams_token_url="http://127.0.0.1:9/token",
        teams_service_urls=("http://127.0.0.1:9/",),
        rest_channel_token="r" * 40,
        withdrawal_global_failures_per_day=17,
    )
    for key, value in child_environment(settings).items():
        monkeypatch.setenv(key, value)

    child = load_settings(env_file=None)

    for name in (
        "var_dir",
        "rasa_port",
        "action_port",
        "web_port",
        "widget_origins_extra",
        "teams_app_id",
        "teams_app_password",
        "teams_openid_url",
        "teams_token_url",
        "teams_service_urls",
        "teams_issuers",
        "secret",
        "action_host",
        "action_token",
        "rest_channel_token",
        "request_max_bytes",
        "withdrawal_global_failures_per_day",
    ):
        assert getattr(child, name) == getattr(settings, name), name


def test_one_worker_and_in_memory_locks_by_default(settings: Settings) -> None:
    env = lock_store_environment(settings)

    assert settings.rasa_workers == 1 and settings.redis_url is None
    assert env["REFLECT_LOCK_STORE"] == "in_memory"
    assert env["SANIC_WORKERS"] == "1"


def test_workers_share_redis_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_WORKERS", "2")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6380/4")

    settings = load_settings(env_file=None)
    env = lock_store_environment(settings)

    assert settings.rasa_workers == 2
    assert env == {
        "REFLECT_LOCK_STORE": "bot.rasa_ext.lock_store.AtomicRedisLockStore",
        "REFLECT_LOCK_HOST": "cache.internal",
        "REFLECT_LOCK_PORT": "6380",
        "REFLECT_LOCK_DB": "4",
        "REFLECT_LOCK_WAIT": "20",
        "SANIC_WORKERS": "2",
    }


def test_more_than_one_worker_needs_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_WORKERS", "2")

    with pytest.raises(SettingsError, match="REDIS_URL"):
        load_settings(env_file=None)


@pytest.mark.parametrize(
    "value", ["http://x:6379/1", "redis://", "redis://x:port/1", "redis://x/a"]
)
def test_bad_redis_url_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("REDIS_URL", value)

    with pytest.raises(SettingsError, match="REDIS_URL"):
        load_settings(env_file=None)


# --- production refuses placeholder secrets (every secret=True setting, one class of checks) ---

SECRET_VARIABLES = tuple(spec.env for spec in settings_table() if spec.secret)


def _production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("REFLECT_SECRET", PRODUCTION_SECRET)
    monkeypatch.setenv("ACTION_SERVER_TOKEN", PRODUCTION_TOKEN)


def test_every_secret_is_checked() -> None:
    assert set(SECRET_VARIABLES) == {
        "REFLECT_SECRET",
        "ACTION_SERVER_TOKEN",
        "REST_CHANNEL_TOKEN",
        "MICROSOFT_APP_PASSWORD",
    }


@pytest.mark.parametrize("name", SECRET_VARIABLES)
@pytest.mark.parametrize(
    "value",
    [
        "changeme-changeme-changeme-changeme",
        "Change-Me-Please-This-Is-Only-An-Example!!",
        "replace-me-with-a-long-random-value-0001",
        "x" * 40,
        "0" * 64,
        "abababababababababababababababab",
        "<client secret value from the Azure portal>",
        "${REFLECT_SECRET_FROM_THE_VAULT_GOES_HERE}",
        "test-secret-not-for-production!!",
        "your-secret-here-your-secret-here-1234",
    ],
)
def test_production_refuses_a_placeholder_secret(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    _production(monkeypatch)
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError, match=rf"^{name} "):
        load_settings(env_file=None)


@pytest.mark.parametrize("value", ["changeme", "xxxx", "secret", "password"])
def test_production_refuses_a_short_placeholder_teams_password(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    _production(monkeypatch)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", value)

    with pytest.raises(SettingsError, match=r"^MICROSOFT_APP_PASSWORD looks like a placeholder"):
        load_settings(env_file=None)


def test_development_keeps_accepting_placeholders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "x" * 40)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "changeme")

    assert load_settings(env_file=None).teams_app_password == "changeme"


def test_production_accepts_random_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch)
    monkeypatch.setenv("REST_CHANNEL_TOKEN", REST_TOKEN)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "Qx8~vT3.wPz_9kLm-2Rb7YcN4dHf6JsA0gEu5iOy")

    settings = load_settings(env_file=None)

    assert settings.is_production and settings.rest_channel_token == REST_TOKEN


def test_production_refuses_one_value_for_two_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch)
    monkeypatch.setenv("ACTION_SERVER_TOKEN", PRODUCTION_SECRET)

    with pytest.raises(
        SettingsError, match=r"^ACTION_SERVER_TOKEN must not be the same value as REFLECT_SECRET"
    ):
        load_settings(env_file=None)


def test_production_refuses_a_value_the_documentation_shows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown = "Zq4vK9pW2mX7rT1yB6nH3jF8cL5dG0sA"
    docs = tmp_path / "README.md"
    docs.write_text(f"Put `REST_CHANNEL_TOKEN={shown}` in .env\n", encoding="utf-8")
    monkeypatch.setattr("bot.settings.config.DOCUMENTED_FILES", (docs,))
    _production(monkeypatch)
    monkeypatch.setenv("REST_CHANNEL_TOKEN", shown)

    with pytest.raises(SettingsError, match=r"the value the documentation shows"):
        load_settings(env_file=None)


# --- the portal ---


def test_portal_defaults() -> None:
    settings = load_settings(env_file=None)

    assert (settings.portal_k, settings.portal_session_idle_minutes) == (10, 30)
    assert (settings.portal_session_hours, settings.portal_audit_days) == (8, 730)
    assert (settings.portal_lockout_failures, settings.portal_lockout_minutes) == (5, 15)
    assert (settings.portal_sign_in_per_minute, settings.portal_link_minutes) == (10, 15)


@pytest.mark.parametrize("value", ["4", "0", "-10"])
def test_portal_k_below_five_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PORTAL_K", value)

    with pytest.raises(SettingsError, match=rf"^PORTAL_K must be at least 5 \(.*got {value}$"):
        load_settings(env_file=None)


def test_portal_k_is_read_and_never_below_five_in_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_K", "5")
    assert load_settings(env_file=None).portal_k == 5
    monkeypatch.setenv("PORTAL_K", "lots")
    with pytest.raises(SettingsError, match=r"^PORTAL_K must be a whole number"):
        load_settings(env_file=None)
    with pytest.raises(SettingsError, match=r"^PORTAL_K must be at least 5"):
        make_settings(portal_k=3)
