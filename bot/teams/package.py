"""Build the Microsoft Teams app package: ``manifest.json``, ``color.png`` and ``outline.png``.

An administrator uploads this zip (Teams admin center, or Apps > Manage your apps > Upload an
app) to make the Azure Bot available in Teams. Everything in it comes from :class:`Settings`,
and the manifest is checked against the v1.17 schema's rules before the zip is written, so a
missing or malformed setting is refused here, with the variable's name, rather than by Teams
after an upload.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.content.messages import render
from bot.settings.config import PROJECT_ROOT, Settings
from bot.teams import icons

MANIFEST_VERSION = "1.17"
SCHEMA_URL = "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
#: Where Rasa serves our Teams channel; Azure's messaging endpoint is PUBLIC_URL + this path.
MESSAGING_PATH = "/webhooks/teams/webhook"
PACKAGE_FILE = "reflect-teams-app.zip"
MANIFEST_FILE = "manifest.json"
COLOR_FILE = "color.png"
OUTLINE_FILE = "outline.png"
ACCENT_COLOR = "#1F5F7A"
#: Zip entries carry this fixed timestamp, so the same settings always give the same bytes.
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

# --- What the app says about itself in Teams (the store-style listing) ---
# The name, summary, description and command descriptions are in bot/content/messages.yml.
SHORT_NAME = "Reflect"
#: Shown in Teams' command menu: each title with its description's name in messages.yml. Each
#: title is an NLU training example (data/nlu/), so picking one is understood exactly as typing it.
COMMANDS = (
    ("menu", "teams_command_menu"),
    ("discuss and reflect", "teams_command_discuss"),
    ("key learning", "teams_command_key_learning"),
    ("add a reflection", "teams_command_add_reflection"),
    ("privacy", "teams_command_privacy"),
    ("help", "teams_command_help"),
)
BOT_SCOPES = ("personal", "team", "groupChat")

# --- The v1.17 schema's rules this package must meet ---
# From https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json, as
# stored in github.com/microsoft/json-schemas (teams/v1.17/MicrosoftTeams.schema.json): the
# "required" arrays, maxLength values and the guid / hexColor / httpsUrl / semver definitions.
# "permissions" is optional in v1.17 (and deprecated in the docs), so the manifest leaves it out.
REQUIRED_TOP_LEVEL = (
    "manifestVersion",
    "version",
    "id",
    "developer",
    "name",
    "description",
    "icons",
    "accentColor",
)
REQUIRED_NESTED: dict[str, tuple[str, ...]] = {
    "developer": ("name", "websiteUrl", "privacyUrl", "termsOfUseUrl"),
    "name": ("short", "full"),
    "description": ("short", "full"),
    "icons": ("outline", "color"),
}
REQUIRED_BOT = ("botId", "scopes")
REQUIRED_COMMAND_LIST = ("scopes", "commands")
REQUIRED_COMMAND = ("title", "description")
#: Top-level keys used here; the schema has ``additionalProperties: false``.
ALLOWED_TOP_LEVEL = frozenset(
    {"$schema", *REQUIRED_TOP_LEVEL, "bots", "validDomains", "permissions", "packageName"}
)
MAX_LENGTHS: dict[tuple[str, str], int] = {
    ("developer", "name"): 32,
    ("name", "short"): 30,
    ("name", "full"): 100,
    ("description", "short"): 80,
    ("description", "full"): 4000,
}
MAX_URL_LENGTH = 2048
MAX_COMMANDS = 10
MAX_COMMAND_TITLE = 32
MAX_COMMAND_DESCRIPTION = 128
MAX_VALID_DOMAINS = 16
SCOPES = frozenset({"team", "personal", "groupChat"})
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
SEMVER = re.compile(r"^([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)\.([0-9]|[1-9][0-9]*)$")
ICON_SIZES = {COLOR_FILE: (icons.COLOR_SIZE,) * 2, OUTLINE_FILE: (icons.OUTLINE_SIZE,) * 2}


class TeamsPackageError(ValueError):
    """The package cannot be built; the message names each .env variable or field to fix."""


@dataclass(frozen=True)
class TeamsPackage:
    """A written package, and what the administrator needs to know next."""

    path: Path
    manifest: dict[str, Any]
    messaging_endpoint: str


def default_package_path(settings: Settings) -> Path:
    """``var/teams/reflect-teams-app.zip``: generated, git-ignored, next to the other state."""
    return settings.var_dir / "teams" / PACKAGE_FILE


def project_version(pyproject: Path = PROJECT_ROOT / "pyproject.toml") -> str:
    """The app version: ``[project] version`` from pyproject.toml, the clone's source of truth.

    Falls back to the installed distribution's version when there is no pyproject (a wheel).
    """
    if pyproject.is_file():
        in_project = False
        for line in pyproject.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("["):
                in_project = stripped == "[project]"
            elif in_project and (match := re.match(r'version\s*=\s*"([^"]+)"', stripped)):
                return match.group(1)
    try:
        return metadata.version("reflect")
    except metadata.PackageNotFoundError as exc:
        raise TeamsPackageError(
            "cannot find Reflect's version: no pyproject.toml and no installed package; "
            "pass --app-version"
        ) from exc


def _https_problem(name: str, value: str | None, why: str) -> str | None:
    if not value:
        return f"{name} is not set: {why}"
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018  (a malformed port raises here, not later in validDomains)
    except ValueError:
        return f"{name} has an invalid port, got {value!r}"
    if parts.scheme != "https" or not parts.hostname:
        return f"{name} must be an https:// URL (Teams refuses anything else), got {value!r}"
    if len(value) > MAX_URL_LENGTH:
        return f"{name} must be at most {MAX_URL_LENGTH} characters"
    return None


def settings_problems(settings: Settings) -> list[str]:
    """Every setting the package needs that is missing or malformed, each naming its variable.

    All of them at once, so one run lists everything to fix in .env.
    """
    problems: list[str] = []
    app_id = settings.teams_app_id
    if not app_id:
        problems.append(
            "MICROSOFT_APP_ID is not set: use the Microsoft App ID of your Azure Bot "
            "(Azure portal > your Azure Bot > Configuration)"
        )
    elif not GUID.match(app_id):
        problems.append(
            f"MICROSOFT_APP_ID must be a GUID like 00000000-0000-0000-0000-000000000000, "
            f"got {app_id!r}"
        )
    checks = (
        ("PUBLIC_URL", settings.public_url, "the https address Teams reaches Reflect at"),
        ("TEAMS_WEBSITE_URL", settings.teams_website_url, "the developer's website in Teams"),
        ("TEAMS_PRIVACY_URL", settings.teams_privacy_url, "the privacy notice Teams links to"),
        ("TEAMS_TERMS_URL", settings.teams_terms_url, "the terms of use Teams links to"),
    )
    for name, value, why in checks:
        if problem := _https_problem(name, value, f"{why} (an https:// URL)"):
            problems.append(problem)
    developer = settings.teams_developer_name.strip()
    limit = MAX_LENGTHS[("developer", "name")]
    if not developer:
        problems.append("TEAMS_DEVELOPER_NAME is empty: the organisation that runs Reflect")
    elif len(developer) > limit:
        problems.append(
            f"TEAMS_DEVELOPER_NAME must be at most {limit} characters in Teams, got "
            f"{len(developer)} ({developer!r}); use a shorter form of the name"
        )
    return problems


def _valid_domain(public_url: str) -> str:
    """The host (and a non-default port) of PUBLIC_URL, the form validDomains takes."""
    parts = urlsplit(public_url)
    host = parts.hostname or ""
    return f"{host}:{parts.port}" if parts.port and parts.port != 443 else host


def build_manifest(settings: Settings, *, version: str) -> dict[str, Any]:
    """The manifest for these settings.

    Call :func:`settings_problems` first: this assumes the values it reads are present.
    """
    app_id = str(settings.teams_app_id).lower()
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        # The bot's app id doubles as the Teams app id, as Microsoft's manifest docs suggest
        # ("use the same ID if you add a bot"); admins then see one id everywhere.
        "id": app_id,
        "developer": {
            "name": settings.teams_developer_name.strip(),
            "websiteUrl": settings.teams_website_url,
            "privacyUrl": settings.teams_privacy_url,
            "termsOfUseUrl": settings.teams_terms_url,
        },
        "name": {"short": SHORT_NAME, "full": render("teams_app_name").text},
        "description": {
            "short": render("teams_app_summary").text,
            "full": render("teams_app_description").text,
        },
        "icons": {"color": COLOR_FILE, "outline": OUTLINE_FILE},
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": app_id,
                "scopes": list(BOT_SCOPES),
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {
                        "scopes": list(BOT_SCOPES),
                        "commands": [
                            {"title": title, "description": render(message).text}
                            for title, message in COMMANDS
                        ],
                    }
                ],
            }
        ],
        "validDomains": [_valid_domain(str(settings.public_url))],
    }


def _missing(block: dict[str, Any], fields: tuple[str, ...], where: str) -> list[str]:
    return [f"{where}{field} is required" for field in fields if block.get(field) in (None, "")]


def _bot_problems(bot: dict[str, Any], where: str) -> list[str]:
    problems = _missing(bot, REQUIRED_BOT, where)
    if "botId" in bot and not GUID.match(str(bot["botId"])):
        problems.append(f"{where}botId must be a GUID")
    problems += [
        f"{where}scopes: unknown scope {scope!r}"
        for scope in bot.get("scopes", ())
        if scope not in SCOPES
    ]
    for i, command_list in enumerate(bot.get("commandLists", ())):
        at = f"{where}commandLists[{i}]."
        problems += _missing(command_list, REQUIRED_COMMAND_LIST, at)
        commands = command_list.get("commands", ())
        if len(commands) > MAX_COMMANDS:
            problems.append(f"{at}commands: at most {MAX_COMMANDS} allowed")
        for j, command in enumerate(commands):
            problems += _missing(command, REQUIRED_COMMAND, f"{at}commands[{j}].")
            if len(command.get("title", "")) > MAX_COMMAND_TITLE:
                problems.append(f"{at}commands[{j}].title: over {MAX_COMMAND_TITLE} characters")
            if len(command.get("description", "")) > MAX_COMMAND_DESCRIPTION:
                problems.append(
                    f"{at}commands[{j}].description: over {MAX_COMMAND_DESCRIPTION} characters"
                )
    return problems


def manifest_problems(manifest: dict[str, Any]) -> list[str]:
    """What in the manifest breaks the v1.17 schema, or Teams' upload checks on top of it.

    Required fields, lengths, GUIDs, https URLs, the accent colour, version and scopes; without
    a JSON-schema library, which the project does not otherwise need.
    """
    return [
        *_top_level_problems(manifest),
        *_nested_problems(manifest),
        *_bots_and_domains_problems(manifest),
    ]


def _top_level_problems(manifest: dict[str, Any]) -> list[str]:
    problems = _missing(manifest, REQUIRED_TOP_LEVEL, "")
    problems += [
        f"{key} is not a v1.17 manifest field"
        for key in sorted(manifest.keys() - ALLOWED_TOP_LEVEL)
    ]
    if manifest.get("manifestVersion") != MANIFEST_VERSION:
        problems.append(f"manifestVersion must be {MANIFEST_VERSION!r}")
    if "version" in manifest and not SEMVER.match(str(manifest["version"])):
        problems.append(f"version must be MAJOR.MINOR.PATCH, got {manifest['version']!r}")
    if "id" in manifest and not GUID.match(str(manifest["id"])):
        problems.append("id must be a GUID")
    if "accentColor" in manifest and not HEX_COLOR.match(str(manifest["accentColor"])):
        problems.append("accentColor must look like #4464ee")
    return problems


def _nested_problems(manifest: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for block, fields in REQUIRED_NESTED.items():
        value = manifest.get(block)
        if isinstance(value, dict):
            problems += _missing(value, fields, f"{block}.")
    for (block, field), limit in MAX_LENGTHS.items():
        text = manifest.get(block, {}).get(field) or ""
        if len(text) > limit:
            problems.append(f"{block}.{field} is {len(text)} characters; the limit is {limit}")
    for field in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        url = manifest.get("developer", {}).get(field)
        if url and (not str(url).startswith("https://") or len(url) > MAX_URL_LENGTH):
            problems.append(f"developer.{field} must be an https:// URL")
    # Microsoft's manifest docs: short and full must differ in both name and description.
    for block in ("name", "description"):
        value = manifest.get(block, {})
        if value.get("short") and value.get("short") == value.get("full"):
            problems.append(f"{block}.short and {block}.full must be different")
    return problems


def _bots_and_domains_problems(manifest: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    bots = manifest.get("bots", [])
    if len(bots) > 1:
        problems.append("bots: Teams allows one bot per app")
    for i, bot in enumerate(bots):
        problems += _bot_problems(bot, f"bots[{i}].")
    domains = manifest.get("validDomains", [])
    if len(domains) > MAX_VALID_DOMAINS or any(not d or len(d) > MAX_URL_LENGTH for d in domains):
        problems.append(f"validDomains: at most {MAX_VALID_DOMAINS} non-empty host names")
    return problems


def icon_problems(files: dict[str, bytes]) -> list[str]:
    """The icon sizes Teams insists on (192x192 colour, 32x32 outline), read from the IHDR.

    The outline icon must also be white on transparent only, as Teams' app validation requires.
    """
    problems: list[str] = []
    for name, expected in ICON_SIZES.items():
        try:
            size = icons.png_size(files[name])
        except (KeyError, icons.PngError):
            problems.append(f"{name} is missing or not a PNG")
            continue
        if size != expected:
            problems.append(
                f"{name} is {size[0]}x{size[1]}; Teams needs {expected[0]}x{expected[1]}"
            )
    if OUTLINE_FILE in files and not problems:
        pixels = [p for row in icons.decode_rgba(files[OUTLINE_FILE]) for p in row]
        if any(alpha and (r, g, b) != (255, 255, 255) for r, g, b, alpha in pixels):
            problems.append(f"{OUTLINE_FILE} must be white on transparent only")
        if not any(alpha for *_, alpha in pixels):
            problems.append(f"{OUTLINE_FILE} is empty")
    return problems


def package_bytes(manifest: dict[str, Any], files: dict[str, bytes]) -> bytes:
    """The zip: manifest.json and the icons at its root, where Teams looks for them."""
    buffer = io.BytesIO()
    entries = {MANIFEST_FILE: json.dumps(manifest, indent=2, ensure_ascii=False).encode(), **files}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def build_package(
    settings: Settings, *, destination: Path | None = None, version: str | None = None
) -> TeamsPackage:
    """Check the settings, build and check the manifest and icons, and write the zip.

    Nothing is written unless every check passes, so a stale or half-valid package is never
    left where an administrator might upload it.
    """
    problems = settings_problems(settings)
    if version is not None and not SEMVER.match(version):
        problems.append(f"--app-version must be MAJOR.MINOR.PATCH, like 1.0.3, got {version!r}")
    if problems:
        raise TeamsPackageError(_explain(problems, "fix these in .env"))
    manifest = build_manifest(settings, version=version or project_version())
    files = {COLOR_FILE: icons.color_icon(ACCENT_COLOR), OUTLINE_FILE: icons.outline_icon()}
    problems = manifest_problems(manifest) + icon_problems(files)
    if problems:
        # Settings were fine, so this is a code change that broke the schema's rules.
        raise TeamsPackageError(_explain(problems, "the manifest breaks the v1.17 schema"))
    path = destination or default_package_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(package_bytes(manifest, files))
    endpoint = f"{settings.public_url}{MESSAGING_PATH}"
    return TeamsPackage(path=path, manifest=manifest, messaging_endpoint=endpoint)


def _explain(problems: list[str], heading: str) -> str:
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return f"cannot build the Teams app package; {heading}:\n{lines}"
