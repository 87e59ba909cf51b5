"""One settings table: declared once in Settings, and the docs, loading and children follow it."""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from bot.settings import table as docs
from bot.settings.config import (
    PROJECT_ROOT,
    Settings,
    SettingsError,
    child_environment,
    load_settings,
    settings_table,
)
from bot.settings.kinds import Setting
from tests.settings import TEST_SECRET, make_settings

TABLE = settings_table()
NAMES = {spec.env for spec in TABLE}
SECRETS = {"REFLECT_SECRET", "ACTION_SERVER_TOKEN", "REST_CHANNEL_TOKEN", "MICROSOFT_APP_PASSWORD"}
#: Read by bot/settings but not a setting: passed through to the children, extended.
PASSED_THROUGH = {"PYTHONPATH"}
REGENERATE = "run: python -m bot.settings.table --write"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in or out (see test_config.clean_env); the secret is the tests' own."""
    for name in NAMES:
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    monkeypatch.setenv("REFLECT_SECRET", TEST_SECRET.decode())
    monkeypatch.chdir(tmp_path)


# --- declared once ---


def test_every_settings_field_is_declared_once_in_the_table() -> None:
    fields = [field.name for field in dataclasses.fields(Settings)]
    declared = [spec.field for spec in TABLE]

    undeclared = sorted(set(fields) - set(declared))
    assert declared == fields, f"declare {undeclared} with setting(), in field order"
    assert len(NAMES) == len(TABLE)  # no variable fills two fields
    assert len(TABLE) >= 37


@pytest.mark.parametrize("spec", TABLE, ids=lambda spec: spec.env)
def test_each_setting_is_fully_described(spec: Setting) -> None:
    assert re.fullmatch(r"[A-Z][A-Z0-9_]+", spec.env)
    assert spec.doc.strip() and "|" not in spec.doc and "\n" not in spec.doc
    assert getattr(Settings, spec.field, spec.default) == spec.default  # the class default
    assert spec.group


def test_the_table_parses_in_the_order_it_always_did() -> None:
    """Which error comes first when several variables are wrong (and when var/ is written)."""
    order = [spec.env for spec in TABLE]

    assert order.index("LOG_LEVEL") < order.index("RASA_PORT")
    assert order.index("DATABASE_URL") < order.index("REFLECT_SECRET")
    assert order.index("REFLECT_SECRET") < order.index("ACTION_SERVER_TOKEN")
    assert order.index("ACTION_SERVER_TOKEN") < order.index("RETENTION_DAYS")


# --- the docs are generated from it ---


def _blocks(text: str, start: str, end: str, *, row: bool) -> dict[str, str]:
    """Each variable's part of a generated section (its README row, or its .env.example lines)."""
    head = start.split(" (")[0]
    lines = text.split("\n")
    inside = False
    blocks: dict[str, str] = {}
    pending: list[str] = []
    for line in lines:
        if line.startswith(head):
            inside = True
            continue
        if line == end:
            break
        if not inside:
            continue
        pattern = r"\| `([A-Z][A-Z0-9_]+)` \|" if row else r"#? ?([A-Z][A-Z0-9_]+)="
        match = re.match(pattern, line)
        if match:
            blocks[match.group(1)] = "\n".join([*pending, line])
            pending = []
        elif not line.strip():
            pending = []
        else:
            pending.append(line)
    return blocks


def _disagreeing(actual: str, expected: str, start: str, end: str, *, row: bool) -> list[str]:
    have = _blocks(actual, start, end, row=row)
    want = _blocks(expected, start, end, row=row)
    return sorted(name for name in NAMES | set(have) if have.get(name) != want.get(name))


def test_env_example_is_generated_from_the_table() -> None:
    actual = docs.ENV_EXAMPLE.read_text(encoding="utf-8")
    expected = docs.generated()[docs.ENV_EXAMPLE]
    names = _disagreeing(actual, expected, docs.ENV_START, docs.ENV_END, row=False)

    assert actual == expected, f".env.example disagrees with Settings about {names}; {REGENERATE}"


def test_readme_table_is_generated_from_the_table() -> None:
    actual = docs.README.read_text(encoding="utf-8")
    expected = docs.generated()[docs.README]
    names = _disagreeing(actual, expected, docs.README_START, docs.README_END, row=True)

    assert actual == expected, f"README.md's settings table disagrees about {names}; {REGENERATE}"


def test_the_generated_section_lists_every_variable_once() -> None:
    section = docs.env_example_section(TABLE)
    table = docs.readme_table(TABLE)

    for name in NAMES:
        assert len(re.findall(rf"^#? ?{name}=", section, re.MULTILINE)) == 1, name
        assert table.count(f"| `{name}` |") == 1, name


def test_env_example_loads_as_the_defaults(clean_env: None) -> None:
    """Its uncommented lines are the defaults, so copying it to .env changes nothing."""
    assert load_settings(env_file=docs.ENV_EXAMPLE) == make_settings()


def test_the_generator_rewrites_stale_files_and_checks_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("ENV_EXAMPLE", "README"):
        copy = tmp_path / getattr(docs, name).name
        shutil.copy(getattr(docs, name), copy)
        monkeypatch.setattr(docs, name, copy)
    example, readme = docs.ENV_EXAMPLE.read_text(), docs.README.read_text()
    docs.ENV_EXAMPLE.write_text(example.replace(docs.ENV_END, f"STALE=1\n{docs.ENV_END}"))
    docs.README.write_text(readme.replace(docs.README_END, f"| `STALE` | | |\n{docs.README_END}"))

    assert docs.main(["--check"]) == 1
    assert "the settings differ" in capsys.readouterr().out
    assert docs.main(["--write"]) == 0
    assert docs.main(["--check"]) == 0
    # The generated parts are back, and the text around them was kept.
    assert (docs.ENV_EXAMPLE.read_text(), docs.README.read_text()) == (example, readme)


@pytest.mark.parametrize(
    "text", ["no markers\n", "<!-- settings:end -->\n<!-- settings:start -->\n"]
)
def test_missing_markers_name_the_file(text: str) -> None:
    with pytest.raises(ValueError, match=r"^README\.md needs one"):
        docs.spliced(text, docs.README_START, docs.README_END, "x", where="README.md")


def test_the_docs_show_paths_relative_to_the_project_and_no_secret_value() -> None:
    by_name = {spec.env: spec for spec in TABLE}

    assert docs.env_line(by_name["VAR_DIR"]) == "VAR_DIR=var"
    assert docs.env_line(by_name["CONTENT_DIR"]) == "CONTENT_DIR=bot/content/packs"
    for name in SECRETS:
        assert docs.env_line(by_name[name]) == f"# {name}="


# --- the code reads nothing else ---


def _environment_reads(source: str) -> set[str]:
    """Constant names read from a mapping or getenv: ``x.get("NAME")``, ``x["NAME"]``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        key = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"get", "getenv", "pop", "setdefault"}
            and node.args
        ):
            key = node.args[0]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            if re.fullmatch(r"[A-Z][A-Z0-9_]+", key.value):
                found.add(key.value)
    return found


def test_the_environment_scan_finds_reads() -> None:
    source = "\n".join(
        [
            "import os",
            'x = os.environ.get("SNEAKY", "")',
            'y = env["OTHER"]',
            'z = os.getenv("THIRD")',
        ]
    )

    assert _environment_reads(source) == {"SNEAKY", "OTHER", "THIRD"}


def test_every_variable_the_code_reads_is_in_the_table() -> None:
    read = set()
    for path in sorted((PROJECT_ROOT / "bot" / "settings").glob("*.py")):
        read |= _environment_reads(path.read_text(encoding="utf-8"))

    assert read - NAMES - PASSED_THROUGH == set(), "declare it in Settings with setting()"


def _touches_the_environment(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "putenv"}:
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                return True
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            if {alias.name for alias in node.names} & {"environ", "getenv"}:
                return True
    return False


def test_only_bot_settings_reads_the_environment() -> None:
    settings_dir = PROJECT_ROOT / "bot" / "settings"
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("bot", "actions")
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))
        if settings_dir not in path.parents
        and _touches_the_environment(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []
    assert _touches_the_environment("import os\nos.environ['X'] = '1'\n")
    assert _touches_the_environment("from os import getenv\n")


# --- the children get every setting ---


def test_the_children_get_every_setting_and_read_back_the_same(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = make_settings(
        var_dir=tmp_path / "var",
        log_level="DEBUG",
        rasa_port=6005,
        retention_days=90,
        tracker_retention_days=9,
        conversation_memory_days=3,
        rasa_workers=2,
        redis_url="redis://127.0.0.1:6379/2",
        public_rasa_url="https://rasa.example.org",
        widget_origins_extra=("https://www.esscp.org.uk", "http://intranet:8000"),
        widget_session_days=2,
        teams_app_id="app",
        teams_app_password="pw",
        teams_tenant_id="tenant",
        teams_issuers=("https://a.example.org", "https://b.example.org"),
        public_url="https://reflect.example.org",
        teams_developer_name="East Sussex SCP",
        teams_website_url="https://www.esscp.org.uk",
        teams_privacy_url="https://www.esscp.org.uk/privacy",
        teams_terms_url="https://www.esscp.org.uk/terms",
        rest_channel_token="r" * 40,
    )
    env = child_environment(settings)
    assert NAMES <= set(env)
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    child = load_settings(env_file=None)

    # Derived values go down resolved: the token, and the database the reflections use.
    assert child == dataclasses.replace(
        settings, action_server_token=settings.action_token, database_url=settings.reflections_url
    )


def test_endpoints_yml_reads_only_what_the_children_are_given(settings: Settings) -> None:
    lines = (PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8").splitlines()
    endpoints = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    wanted = set(re.findall(r"\$\{([A-Z0-9_]+)\}", endpoints))

    assert wanted and wanted <= set(child_environment(settings))


# --- no secret has a usable default ---


def test_the_secrets_are_the_ones_we_know() -> None:
    assert {spec.env for spec in TABLE if spec.secret} == SECRETS


@pytest.mark.parametrize("spec", [spec for spec in TABLE if spec.secret], ids=lambda s: s.env)
def test_a_secret_has_no_default(spec: Setting) -> None:
    assert not spec.default


def test_settings_cannot_be_built_without_a_real_secret() -> None:
    with pytest.raises(SettingsError, match="secret of at least 32 bytes"):
        Settings()
    with pytest.raises(SettingsError, match="secret of at least 32 bytes"):
        Settings(secret=b"x" * 31)
    assert Settings(secret=b"x" * 32).secret == b"x" * 32


def test_no_secret_is_in_the_repr() -> None:
    settings = make_settings(
        action_server_token="a" * 40, rest_channel_token="r" * 40, teams_app_password="p" * 12
    )

    for value in (TEST_SECRET.decode(), "a" * 40, "r" * 40, "p" * 12):
        assert value not in repr(settings)
