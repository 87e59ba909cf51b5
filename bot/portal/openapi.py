"""The OpenAPI 3.1 document describing the portal's JSON API, served at /portal/api/openapi.json.

Written by hand next to bot/portal/api.py (which builds the bodies) and checked against real
responses in tests, so the description cannot drift from what the API sends.
"""

from __future__ import annotations

from typing import Any

from bot.portal.api import API_VERSION

API_PREFIX = "/portal/api/v1"

_NULLABLE_TEXT: dict[str, Any] = {"type": ["string", "null"]}


def _cell() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["key", "label", "value", "suppressed", "display"],
        "properties": {
            "key": {"type": "string"},
            "label": {"type": "string"},
            "value": {
                "type": ["integer", "null"],
                "description": "null when suppressed; otherwise at least k",
            },
            "suppressed": {"type": "boolean"},
            "display": {"type": "string", "description": 'the number, or "fewer than k"'},
        },
    }


def _table() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "title", "dimension", "cells", "total"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "dimension": {"type": "string"},
            "value_label": {"type": "string"},
            "cells": {"type": "array", "items": {"$ref": "#/components/schemas/Cell"}},
            "total": {"$ref": "#/components/schemas/Cell"},
        },
    }


def _theme() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "label", "terms", "count", "agencies", "quotes", "quotes_withheld"],
        "properties": {
            "id": {"type": "string"},
            "label": {"type": "string"},
            "terms": {"type": "array", "items": {"type": "string"}},
            "count": {"$ref": "#/components/schemas/Cell"},
            "agencies": {"type": "integer"},
            "recommendation": {
                "type": ["object", "null"],
                "properties": {
                    "number": {"type": "integer"},
                    "title": {"type": "string"},
                    "score": {"type": "number"},
                },
            },
            "quotes": {"type": "array", "items": {"type": "string"}},
            "quotes_withheld": {"type": "boolean"},
        },
    }


def _minutes() -> dict[str, Any]:
    action = {
        "type": "object",
        "properties": {
            "what": {"type": "string"},
            "owner_role": _NULLABLE_TEXT,
            "by_when": _NULLABLE_TEXT,
            "measure": _NULLABLE_TEXT,
        },
    }
    return {
        "type": "object",
        "required": ["id", "iso_week", "points_discussed", "attendance", "actions"],
        "properties": {
            "id": {"type": "string"},
            "iso_week": {"type": "string"},
            "team_code": _NULLABLE_TEXT,
            "planned_minutes": {"type": ["integer", "null"]},
            "points_discussed": {"type": "integer"},
            "points_total": {"type": "integer"},
            "attendance": {"type": "integer"},
            "actions": {"type": "array", "items": action},
        },
    }


def _dashboard() -> dict[str, Any]:
    ref = "#/components/schemas/"
    return {
        "type": "object",
        "required": ["api_version", "briefing", "filters", "k", "rule", "produced_on", "tables"],
        "properties": {
            "api_version": {"type": "string"},
            "briefing": {
                "type": "object",
                "properties": {
                    "pack_id": {"type": "string"},
                    "version": {"type": "string"},
                    "title": {"type": "string"},
                    "partnership": {"type": "string"},
                },
            },
            "filters": {
                "type": "object",
                "properties": {
                    "week_from": _NULLABLE_TEXT,
                    "week_to": _NULLABLE_TEXT,
                    "agency": _NULLABLE_TEXT,
                    "team": _NULLABLE_TEXT,
                    "notes": {"type": "array", "items": {"type": "string"}},
                },
            },
            "k": {"type": "integer", "minimum": 5},
            "rule": {"type": "string"},
            "produced_on": {"type": "string", "format": "date"},
            "retention_days": {"type": "integer"},
            "pending_weeks": {"type": "array", "items": {"type": "string"}},
            "headline": {"type": "array", "items": {"$ref": ref + "Cell"}},
            "tables": {"type": "array", "items": {"$ref": ref + "Table"}},
            "themes": {"type": "array", "items": {"$ref": ref + "Theme"}},
            "minutes": {"type": "array", "items": {"$ref": ref + "Minutes"}},
        },
    }


def _query(name: str, description: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", "maxLength": 100},
    }


def _errors() -> dict[str, Any]:
    error = {"$ref": "#/components/responses/Error"}
    return {"400": error, "401": error, "403": error, "404": error, "429": error}


def openapi_document(server_url: str) -> dict[str, Any]:
    """The whole document, with this deployment's address as its server."""
    filters = [
        _query("pack", "content pack id (see /briefings)", required=True),
        _query("version", "pack version (default: the newest with data)"),
        _query("from", "first ISO week, e.g. 2026-W40 (widened to whole release blocks)"),
        _query("to", "last ISO week, e.g. 2026-W49 (widened to whole release blocks)"),
        _query("agency", "an agency key (default: every agency in your scope)"),
        _query("team", "a team code (default: every team)"),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Reflect portal API",
            "version": API_VERSION,
            "description": (
                "The safeguarding lead's figures, with the same disclosure control as the "
                "portal pages: a figure from fewer than k contributions is null and "
                '"fewer than k". Authenticate with a per-lead token created in the portal '
                "(API tokens page): `Authorization: Bearer rfl_...`. Never put a token in a URL."
            ),
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": {
            f"{API_PREFIX}/briefings": {
                "get": {
                    "summary": "The briefings (content packs) your account may see",
                    "operationId": "listBriefings",
                    "responses": {
                        "200": {
                            "description": "briefings in your scope",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "briefings": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "pack_id": {"type": "string"},
                                                        "title": {"type": "string"},
                                                        "partnership": {"type": "string"},
                                                        "versions": {
                                                            "type": "array",
                                                            "items": {"type": "string"},
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    }
                                }
                            },
                        },
                        **_errors(),
                    },
                }
            },
            f"{API_PREFIX}/dashboard": {
                "get": {
                    "summary": "Every released figure, theme and set of minutes for the filters",
                    "operationId": "getDashboard",
                    "parameters": filters,
                    "responses": {
                        "200": {
                            "description": "the dashboard, through disclosure control",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Dashboard"}
                                }
                            },
                        },
                        **_errors(),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "what went wrong, in one sentence",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["error"],
                                "properties": {"error": {"type": "string"}},
                            }
                        }
                    },
                }
            },
            "schemas": {
                "Cell": _cell(),
                "Table": _table(),
                "Theme": _theme(),
                "Minutes": _minutes(),
                "Dashboard": _dashboard(),
            },
        },
    }
