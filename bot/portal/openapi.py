"""The OpenAPI 3.1 document describing the portal's JSON API, served at /portal/api/openapi.json.

Kept as data (openapi.yml, beside this module) next to bot/portal/api.py, which builds the
bodies; a test validates real responses against it, so the description cannot drift from what
the API sends. Only the server address is added here, from the deployment's settings.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

API_PREFIX = "/portal/api/v1"
DOCUMENT = Path(__file__).resolve().parent / "openapi.yml"


@cache
def _document() -> dict[str, Any]:
    loaded = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{DOCUMENT.name} is not an OpenAPI document")
    return loaded


def openapi_document(server_url: str) -> dict[str, Any]:
    """The whole document, with this deployment's address as its server."""
    document = dict(_document())
    document["servers"] = [{"url": server_url}]
    return document
