from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.settings.config import PROJECT_ROOT, Settings
from bot.teams import icons
from bot.teams.package import (
    COLOR_FILE,
    COMMANDS,
    OUTLINE_FILE,
    TeamsPackageError,
    build_package,
    default_package_path,
    icon_problems,
    manifest_problems,
    project_version,
)

APP_ID = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d"

# The "required" arrays of the v1.17 schema, copied here on purpose (not imported) so a change
# to the package's own list cannot quietly weaken this test.
# Source: microsoft/json-schemas, teams/v1.17/MicrosoftTeams.schema.json.
REQUIRED_TOP_LEVEL = {
    "manifestVersion",
    "version",
    "id",
    "developer",
    "name",
    "description",
    "icons",
    "accentColor",
}
REQUIRED_NESTED = {
    "developer": {"name", "websiteUrl", "privacyUrl", "termsOfUseUrl"},
    "name": {"short", "full"},
    "description": {"short", "full"},
    "icons": {"outline", "color"},
}
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


@pytest.fixture
def teams_settings(settings: Settings) -> Settings:
    return replace(
        settings,
        teams_app_id=APP_ID,
        public_url="https://reflect.example.org",
        teams_developer_name="Example Safeguarding",
        teams_website_url="https://www.example.org",
        teams_privacy_url="https://www.example.org/privacy",
        teams_terms_url="https://www.example.org/terms",
    )


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def built(settings: Settings) -> tuple[dict[str, Any], dict[str, bytes]]:
    package = build_package(settings)
    files = read_zip(package.path)
    return json.loads(files["manifest.json"]), files


def ihdr(data: bytes) -> tuple[int, int, int, int]:
    """Width, height, bit depth and colour type, read straight from the bytes (not via bot/)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    (crc,) = struct.unpack(">I", data[29:33])
    assert zlib.crc32(data[12:29]) == crc
    width, height, depth, color_type = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, color_type


def solid_png(size: int, rgba: tuple[int, int, int, int]) -> bytes:
    return icons.encode_png([[rgba] * size for _ in range(size)])


def test_zip_holds_exactly_the_manifest_and_two_icons_at_its_root(
    teams_settings: Settings,
) -> None:
    package = build_package(teams_settings)
    assert package.path == teams_settings.var_dir / "teams" / "reflect-teams-app.zip"
    assert package.path == default_package_path(teams_settings)
    with zipfile.ZipFile(package.path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert archive.testzip() is None


def test_manifest_has_every_field_the_v1_17_schema_requires(teams_settings: Settings) -> None:
    manifest, _ = built(teams_settings)
    assert REQUIRED_TOP_LEVEL <= manifest.keys()
    for block, fields in REQUIRED_NESTED.items():
        assert fields <= manifest[block].keys(), block
        assert all(manifest[block][field] for field in fields), block
    assert manifest["$schema"] == (
        "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
    )
    assert manifest["manifestVersion"] == "1.17"
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["accentColor"])
    assert manifest_problems(manifest) == []


def test_manifest_describes_the_bot_from_settings(teams_settings: Settings) -> None:
    manifest, _ = built(teams_settings)
    assert manifest["id"] == APP_ID
    assert GUID.match(manifest["id"])
    assert manifest["developer"] == {
        "name": "Example Safeguarding",
        "websiteUrl": "https://www.example.org",
        "privacyUrl": "https://www.example.org/privacy",
        "termsOfUseUrl": "https://www.example.org/terms",
    }
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["validDomains"] == ["reflect.example.org"]
    assert "permissions" not in manifest  # optional (and deprecated) in v1.17
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    assert bot["supportsFiles"] is False
    assert bot["isNotificationOnly"] is False
    titles = [command["title"] for command in bot["commandLists"][0]["commands"]]
    assert {"menu", "discuss and reflect", "add a reflection", "help"} <= set(titles)


def test_names_and_descriptions_fit_teams_limits(teams_settings: Settings) -> None:
    manifest, _ = built(teams_settings)
    assert len(manifest["name"]["short"]) <= 30
    assert len(manifest["name"]["full"]) <= 100
    assert len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    assert manifest["name"]["short"] != manifest["name"]["full"]
    assert manifest["description"]["short"] not in manifest["description"]["full"]
    for command in manifest["bots"][0]["commandLists"][0]["commands"]:
        assert len(command["title"]) <= 32
        assert len(command["description"]) <= 128


def test_the_listing_is_worded_as_before_it_moved_to_messages_yml(
    teams_settings: Settings,
) -> None:
    manifest, _ = built(teams_settings)
    full = manifest["description"]["full"]

    assert manifest["name"] == {
        "short": "Reflect",
        "full": "Reflect: learning briefings from safeguarding practice reviews",
    }
    assert manifest["description"]["short"] == (
        "Talk through safeguarding practice review briefings and record reflections."
    )
    assert full.startswith("Reflect helps practitioners and teams in a safeguarding children ")
    assert full.endswith("it shows the local contact numbers straight away.")
    assert full.count("\n\n") == 2 and "\n\n\n" not in full
    assert manifest["bots"][0]["commandLists"][0]["commands"] == [
        {"title": "menu", "description": "Show what Reflect can do"},
        {
            "title": "discuss and reflect",
            "description": "Go through the points for discussion, one at a time",
        },
        {"title": "key learning", "description": "Read the key learning from the review"},
        {
            "title": "add a reflection",
            "description": "Record an anonymised reflection on a discussion point",
        },
        {"title": "privacy", "description": "What is stored, who sees it and for how long"},
        {"title": "help", "description": "How to use Reflect"},
    ]


def test_command_titles_are_nlu_examples_so_picking_one_is_understood() -> None:
    examples = "\n".join(p.read_text() for p in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"))
    for title, _ in COMMANDS:
        assert re.search(rf"^\s*- {re.escape(title)}$", examples, re.MULTILINE), title


def test_version_comes_from_pyproject(teams_settings: Settings) -> None:
    manifest, _ = built(teams_settings)
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()
    assert f'version = "{manifest["version"]}"' in pyproject


def test_project_version_reads_the_project_table_only(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[build-system]\nversion = "9.9.9"\n\n[project]\nname = "reflect"\nversion = "2.3.4"\n'
    )
    assert project_version(pyproject) == "2.3.4"


def test_app_version_can_be_raised_for_a_re_upload(teams_settings: Settings) -> None:
    package = build_package(teams_settings, version="1.4.0")
    assert package.manifest["version"] == "1.4.0"
    with pytest.raises(TeamsPackageError, match="--app-version"):
        build_package(teams_settings, version="1.4")


def test_icons_are_pngs_of_the_sizes_teams_needs(teams_settings: Settings) -> None:
    _, files = built(teams_settings)
    assert ihdr(files["color.png"]) == (192, 192, 8, 6)
    assert ihdr(files["outline.png"]) == (32, 32, 8, 6)


def test_icons_decode_with_pillow_and_the_outline_is_white_on_transparent(
    teams_settings: Settings,
) -> None:
    image_module = pytest.importorskip("PIL.Image")
    _, files = built(teams_settings)
    color = image_module.open(io.BytesIO(files["color.png"]))
    assert (color.size, color.mode) == ((192, 192), "RGBA")
    outline = image_module.open(io.BytesIO(files["outline.png"]))
    assert (outline.size, outline.mode) == ((32, 32), "RGBA")
    pixels = list(outline.convert("RGBA").getdata())
    assert all(pixel[:3] == (255, 255, 255) or pixel[3] == 0 for pixel in pixels)
    alphas = {pixel[3] for pixel in pixels}
    assert 0 in alphas and 255 in alphas  # a visible glyph on a transparent background


def test_own_png_decoder_matches_pillow_on_filtered_rows(tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    source = image_module.open(io.BytesIO(icons.color_icon("#1F5F7A")))
    target = tmp_path / "filtered.png"
    source.save(target, optimize=True)  # Pillow picks row filters, unlike encode_png
    decoded = icons.decode_rgba(target.read_bytes())
    assert [pixel for row in decoded for pixel in row] == list(source.getdata())


def test_icon_checks_reject_a_coloured_outline_and_wrong_sizes() -> None:
    problems = icon_problems(
        {
            COLOR_FILE: solid_png(96, (10, 20, 30, 255)),
            OUTLINE_FILE: solid_png(32, (255, 0, 0, 255)),
        }
    )
    assert problems == ["color.png is 96x96; Teams needs 192x192"]
    problems = icon_problems(
        {
            COLOR_FILE: icons.color_icon("#1F5F7A"),
            OUTLINE_FILE: solid_png(32, (255, 0, 0, 255)),
        }
    )
    assert problems == ["outline.png must be white on transparent only"]
    assert icon_problems({COLOR_FILE: b"GIF89a", OUTLINE_FILE: icons.outline_icon()}) == [
        "color.png is missing or not a PNG"
    ]


def test_same_settings_build_the_same_bytes(teams_settings: Settings, tmp_path: Path) -> None:
    first = build_package(teams_settings, destination=tmp_path / "a.zip").path.read_bytes()
    second = build_package(teams_settings, destination=tmp_path / "b.zip").path.read_bytes()
    assert first == second


def test_valid_domains_keep_a_non_default_port(teams_settings: Settings) -> None:
    settings = replace(teams_settings, public_url="https://reflect.example.org:8443/bot")
    package = build_package(settings)
    assert package.manifest["validDomains"] == ["reflect.example.org:8443"]
    assert (
        package.messaging_endpoint == "https://reflect.example.org:8443/bot/webhooks/teams/webhook"
    )


def test_missing_app_id_is_refused_naming_the_variable(teams_settings: Settings) -> None:
    settings = replace(teams_settings, teams_app_id=None)
    with pytest.raises(TeamsPackageError, match=r"MICROSOFT_APP_ID is not set: .*Azure Bot"):
        build_package(settings)
    assert not default_package_path(settings).exists()


def test_app_id_must_be_a_guid(teams_settings: Settings) -> None:
    with pytest.raises(TeamsPackageError, match="MICROSOFT_APP_ID must be a GUID"):
        build_package(replace(teams_settings, teams_app_id="reflect-bot"))


@pytest.mark.parametrize(
    ("field", "variable"),
    [
        ("public_url", "PUBLIC_URL"),
        ("teams_website_url", "TEAMS_WEBSITE_URL"),
        ("teams_privacy_url", "TEAMS_PRIVACY_URL"),
        ("teams_terms_url", "TEAMS_TERMS_URL"),
    ],
)
def test_urls_must_be_set_and_https(teams_settings: Settings, field: str, variable: str) -> None:
    with pytest.raises(TeamsPackageError, match=rf"{variable} is not set"):
        build_package(replace(teams_settings, **{field: None}))
    with pytest.raises(TeamsPackageError, match=rf"{variable} must be an https:// URL"):
        build_package(replace(teams_settings, **{field: "http://insecure.example.org"}))


def test_developer_name_over_32_characters_is_refused(teams_settings: Settings) -> None:
    long_name = "East Sussex Safeguarding Children Partnership"
    with pytest.raises(TeamsPackageError, match="TEAMS_DEVELOPER_NAME must be at most 32"):
        build_package(replace(teams_settings, teams_developer_name=long_name))


def test_every_problem_is_listed_at_once(settings: Settings) -> None:
    with pytest.raises(TeamsPackageError) as caught:
        build_package(settings)
    message = str(caught.value)
    for variable in (
        "MICROSOFT_APP_ID",
        "PUBLIC_URL",
        "TEAMS_WEBSITE_URL",
        "TEAMS_PRIVACY_URL",
        "TEAMS_TERMS_URL",
    ):
        assert variable in message


def test_manifest_checks_catch_schema_breaks(teams_settings: Settings) -> None:
    manifest, _ = built(teams_settings)
    broken = json.loads(json.dumps(manifest))
    del broken["accentColor"]
    del broken["developer"]["privacyUrl"]
    broken["description"]["short"] = "x" * 81
    broken["bots"][0]["scopes"] = ["personal", "groupchat"]
    broken["packageNameTypo"] = "com.example"
    problems = manifest_problems(broken)
    assert "accentColor is required" in problems
    assert "developer.privacyUrl is required" in problems
    assert "description.short is 81 characters; the limit is 80" in problems
    assert "bots[0].scopes: unknown scope 'groupchat'" in problems
    assert "packageNameTypo is not a v1.17 manifest field" in problems


def test_a_malformed_port_is_refused_not_a_traceback(teams_settings: Settings) -> None:
    with pytest.raises(TeamsPackageError, match="PUBLIC_URL has an invalid port"):
        build_package(replace(teams_settings, public_url="https://reflect.example.org:port"))
