"""Reading the lead's filters from a query string, strictly, before anything is computed.

Every value is checked against a closed set or a tight shape (a known pack in the account's
scope, an ISO week that exists, a known agency, a valid team code), so nothing the browser sends
reaches SQL or a template unchecked, and a lead scoped to one agency cannot ask for another's.
Errors are one plain sentence the page shows (and the API returns) as a 400.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from bot.content.messages import render
from bot.content.schema import Pack
from bot.group.outline import agency_label
from bot.group.reading import valid_team_code
from bot.portal.model import NO_AGENCY, Filters, Scope
from bot.storage.models import AGENCIES

_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")  # ASCII digits only, not any Unicode digit
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")


def text_of(name: str, **values: str) -> str:
    """One sentence from messages.yml (the portal's wording lives there, like the bot's)."""
    return render(name, **values).text


class FilterError(ValueError):
    """A filter the portal cannot use, with a sentence that says why."""


def agency_choices(scope: Scope | None) -> list[tuple[str, str]]:
    """The agencies a filter may name for this scope, with their labels, in form order."""
    everything = [(agency, agency_label(agency)) for agency in AGENCIES]
    everything.append((NO_AGENCY, text_of("portal_agency_not_given")))
    if scope is not None and scope.agency is not None:
        return [(key, label) for key, label in everything if key == scope.agency]
    return everything


def in_scope(pack: Pack, scope: Scope) -> bool:
    """Whether an account with this scope may see this pack's figures."""
    return scope.partnership is None or (
        pack.partnership_short.casefold() == scope.partnership.casefold()
    )


def parse_week(value: str, field: str) -> str:
    """A real ISO week, normalised ("2026-W05"), or FilterError."""
    match = _WEEK.fullmatch(value)
    if match is None:
        raise FilterError(text_of("portal_filter_week_shape", field=field))
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise FilterError(
            text_of("portal_filter_no_such_week", field=field, year=str(year), week=str(week))
        ) from exc
    return f"{year:04d}-W{week:02d}"


def _pack(args: Mapping[str, str], packs: Sequence[Pack], require: bool) -> Pack:
    if not packs:
        raise FilterError(text_of("portal_filter_no_packs"))
    wanted = args.get("pack", "").strip()
    if not wanted:
        if require:
            raise FilterError(text_of("portal_filter_name_pack"))
        return packs[0]
    for pack in packs:
        if pack.id == wanted:
            return pack
    raise FilterError(text_of("portal_filter_no_such_pack"))


def _weeks(args: Mapping[str, str]) -> tuple[str | None, str | None]:
    week_from = (
        parse_week(args["from"], text_of("portal_filter_from"))
        if args.get("from", "").strip()
        else None
    )
    week_to = (
        parse_week(args["to"], text_of("portal_filter_to")) if args.get("to", "").strip() else None
    )
    if week_from and week_to and week_from > week_to:
        raise FilterError(text_of("portal_filter_weeks_inverted"))
    return week_from, week_to


def _agency(args: Mapping[str, str], scope: Scope) -> str | None:
    wanted = args.get("agency", "").strip() or None
    if scope.agency is not None:
        if wanted not in (None, scope.agency):
            raise FilterError(text_of("portal_filter_own_agency"))
        return scope.agency
    if wanted is not None and wanted not in dict(agency_choices(None)):
        raise FilterError(text_of("portal_filter_no_such_agency"))
    return wanted


def parse_filters(
    args: Mapping[str, str],
    packs: Sequence[Pack],
    scope: Scope,
    *,
    require_pack: bool = False,
) -> Filters:
    """The filters in ``args`` (query parameters: pack, version, from, to, agency, team)."""
    pack = _pack(args, packs, require_pack)
    version = args.get("version", "").strip() or None
    if version is not None and not _VERSION.fullmatch(version):
        raise FilterError(text_of("portal_filter_bad_version"))
    team_raw = args.get("team", "").strip()
    team = valid_team_code(team_raw) if team_raw else None
    if team_raw and team is None:
        raise FilterError(text_of("portal_filter_team_shape"))
    week_from, week_to = _weeks(args)
    return Filters(
        pack_id=pack.id,
        pack_version=version,
        week_from=week_from,
        week_to=week_to,
        agency=_agency(args, scope),
        team=team,
    )
