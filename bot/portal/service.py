"""The portal's data side: packs in scope, cached cubes and themes, accounts, tokens, audit.

The web layer (bot/web/portal.py) calls only this class, always from a worker thread, so it
holds everything that touches the database. Cubes are cached per pack version, scope and data
version (the largest id and the row count, one indexed query), so a dashboard costs one cheap
query when nothing changed and one aggregate query when something did. Themes are fitted on the
whole pack version (every agency: a theme must span two), synchronously for modest corpora and in
a background thread for large ones, while the page says they are being worked out. Follow-up
answers (impact) are read on every request: one aggregate over the same covering index, and a
few bounded reads of the texts to quote; they are months later and far fewer than reflections.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from functools import lru_cache, partial
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.anonymise import anonymise
from bot.content.loader import load_packs
from bot.content.schema import Pack
from bot.group.documents import DOCUMENT_FORMATS, filename, render_document
from bot.group.minutes import Minutes
from bot.portal import accounts, audit, auth, figures, tokens
from bot.portal.dashboard import Inputs, MinutesRow, build_dashboard
from bot.portal.disclosure import Cube, Release, build_release
from bot.portal.filters import FilterError, in_scope, text_of
from bot.portal.model import Dashboard, Filters, Scope
from bot.portal.themes import (
    ThemeCache,
    ThemeCacheKey,
    ThemeDoc,
    ThemeModel,
    empty_model,
    fit_themes,
    recommendation_texts,
)
from bot.settings.config import Settings
from bot.storage.models import GroupMinutes
from bot.storage.session import make_engine, make_session_factory, transaction

#: Up to this many reflections, themes are fitted during the request (a second or two).
SYNC_THEME_LIMIT = 20_000
#: Cubes of sessions and minutes are read again at least this often (an insert shows at once:
#: the newest id is part of the key).
CUBE_SECONDS = 60
#: Finished weeks of reflections change only by a withdrawal or the purge: their part of the
#: cube is read in full at most this often, and only the current week on every request.
HISTORY_SECONDS = 10 * 60
#: Themes are refitted at most this often: a fit is seconds of CPU, and themes move slowly.
THEME_SECONDS = 15 * 60
#: Cubes kept in memory (each a few thousand atoms at most).
MAX_CUBES = 64
#: A scope for reading everything of a pack (themes span agencies; only counts are shown).
WHOLE_PACK = Scope(partnership=None)

T = TypeVar("T")
logger = logging.getLogger(__name__)


class _Cache:
    """A small thread-safe LRU of values keyed by whatever they depend on."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class TokenView:
    """An API token as the tokens page lists it (never the token or its hash)."""

    id: int
    label: str
    created: str
    last_used: str | None
    revoked: bool


@dataclass(frozen=True)
class AuditView:
    """One audit row as the admin's page shows it."""

    at: str
    account: str | None
    event: str
    detail: str


class PortalService:
    """Everything the portal's pages and API ask of the database and the content packs."""

    def __init__(
        self,
        settings: Settings,
        factory: sessionmaker | None = None,
        packs: Mapping[str, Pack] | None = None,
        *,
        sync_theme_limit: int = SYNC_THEME_LIMIT,
    ) -> None:
        self.settings = settings
        self._factory = factory
        self._packs = dict(packs) if packs is not None else None
        self.sync_theme_limit = sync_theme_limit
        self.themes = ThemeCache()
        self.cubes = _Cache(MAX_CUBES)
        self.history = _Cache(MAX_CUBES)
        self.meta = _Cache(MAX_CUBES)
        self.releases = _Cache(8)
        self.phantoms = accounts.UnknownAccounts()
        self._quotes = lru_cache(maxsize=50_000)(lambda text: anonymise(text).text)
        self._fits: dict[ThemeCacheKey, Future[ThemeModel]] = {}
        self._fit_lock = threading.Lock()
        self._last_models: dict[tuple[str, str], ThemeModel] = {}
        self._fitter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-themes")

    @property
    def factory(self) -> sessionmaker:
        """Sessions on the reflections database, connected on first use (never at start-up)."""
        if self._factory is None:
            self._factory = make_session_factory(make_engine(self.settings.reflections_url))
        return self._factory

    @property
    def packs(self) -> dict[str, Pack]:
        """The deployment's content packs, read on first use."""
        if self._packs is None:
            self._packs = load_packs(self.settings.content_dir)
        return self._packs

    @classmethod
    def from_settings(cls, settings: Settings) -> PortalService:
        """The service on this deployment's database and content directory (both lazily)."""
        return cls(settings)

    def close(self) -> None:
        """Stop the theme-fitting thread."""
        self._fitter.shutdown(wait=False, cancel_futures=True)

    # --- packs and choices ----------------------------------------------------------------

    def packs_for(self, scope: Scope) -> list[Pack]:
        """The packs this scope may see, the deployment's default first."""
        default = self.settings.default_pack_id
        chosen = [pack for pack in self.packs.values() if in_scope(pack, scope)]
        return sorted(chosen, key=lambda pack: (pack.id != default, pack.title))

    def versions(self, pack_id: str, scope: Scope) -> list[str]:
        """The versions with data, newest first; the pack's current one when there is none."""

        def read() -> list[str]:
            with transaction(self.factory) as session:
                return figures.versions(session, pack_id)

        found = list(self.meta.get(("versions", pack_id, _bucket(CUBE_SECONDS)), read))
        current = self.packs[pack_id].version if pack_id in self.packs else None
        if current is not None and current not in found:
            found = [current, *found] if not found else [*found, current]
        return found

    def teams(self, pack_id: str, version: str, scope: Scope) -> list[str]:
        """Team codes with filed minutes for this pack version (for the filter's list)."""
        with transaction(self.factory) as session:
            codes = session.execute(
                select(GroupMinutes.team_code)
                .where(
                    GroupMinutes.pack_id == pack_id,
                    GroupMinutes.pack_version == version,
                    GroupMinutes.team_code.is_not(None),
                )
                .distinct()
            ).scalars()
            return sorted(str(code) for code in codes)

    # --- the dashboard --------------------------------------------------------------------

    def _version(self, filters: Filters, scope: Scope) -> str:
        found = self.versions(filters.pack_id, scope)
        if filters.pack_version is None:
            return found[0]
        if filters.pack_version not in found:
            raise FilterError(text_of("portal_filter_no_such_version"))
        return filters.pack_version

    def _theme_model(self, session: Session, pack: Pack, version: str) -> ThemeModel | None:
        """The fitted themes, or None while a large corpus is still being fitted."""
        key = ThemeCacheKey(pack.id, version, WHOLE_PACK, _bucket(THEME_SECONDS))
        fit = partial_fit(self, pack, version)
        if self.themes.has(key):
            return self.themes.get(key, fit)
        _, rows = figures.data_version(session, pack.id, version)
        if rows <= self.sync_theme_limit:
            return self.themes.get(key, fit)
        with self._fit_lock:
            future = self._fits.get(key)
            if future is None:
                self._fits = {k: f for k, f in self._fits.items() if not f.done()}
                future = self._fitter.submit(self.themes.get, key, fit)
                self._fits[key] = future
            previous = self._last_models.get((pack.id, version))
        if not future.done():
            return previous  # the last fit, while the next one runs (None the first time)
        if future.exception() is not None:
            logger.error("theme fit failed: %s", type(future.exception()).__name__)
            with self._fit_lock:
                self._fits.pop(key, None)  # the next request tries again
            return previous
        model = future.result()
        with self._fit_lock:
            self._last_models[(pack.id, version)] = model
        return model

    def _anonymise(self, text: str) -> str:
        """A quote through the current anonymiser, remembered (it is deterministic)."""
        return self._quotes(text)

    def _theme_release(self, inputs: Inputs, today: date, cube: Cube, blocks: Release) -> Release:
        """The theme cube released over the reflections' blocks, cached with the model."""
        model = inputs.themes
        key = (inputs.pack.id, inputs.version, id(model), model.documents, blocks.blocks, today)
        k = self.settings.portal_k
        return self.releases.get(
            key, lambda: build_release(cube, k, today=today, blocks=blocks.blocks)
        )

    def _reflection_cube(
        self, session: Session, pack: Pack, version: str, scope: Scope, today: date
    ) -> Cube:
        """Finished weeks from a cache refreshed every HISTORY_SECONDS, this week read now.

        The engine never releases the current week (it is pending), so a request costs one
        index range read of this week; the full aggregate over every week runs once per
        period, which is also how soon a withdrawal from an earlier week shows.
        """
        year, week, _ = today.isocalendar()
        this_week = f"{year:04d}-W{week:02d}"

        def everything() -> Cube:
            cube = figures.reflection_cube(
                session, pack_id=pack.id, pack_version=version, scope=scope
            )
            return Cube(cube.dims, tuple(a for a in cube.atoms if a.key[0] < this_week))

        finished: Cube = self.history.get(
            ("reflections", pack.id, version, scope, this_week, _bucket(HISTORY_SECONDS)),
            everything,
        )
        recent = figures.reflection_cube(
            session, pack_id=pack.id, pack_version=version, scope=scope, since_week=this_week
        )
        return Cube(finished.dims, finished.atoms + recent.atoms)

    def _inputs(
        self,
        session: Session,
        pack: Pack,
        version: str,
        filters: Filters,
        scope: Scope,
        today: date,
    ) -> tuple[Inputs, bool]:
        minutes_key = (_newest(session, GroupMinutes.id), _bucket(CUBE_SECONDS))
        reflections = self._reflection_cube(session, pack, version, scope, today)
        # One session cube per scope, whatever the filters: an agency filter narrowing it
        # would make a second cube whose difference with the first is a small group.
        sessions: Cube = self.cubes.get(
            ("sessions", pack.id, version, scope, minutes_key),
            lambda: figures.session_cube(
                session, pack_id=pack.id, pack_version=version, scope=scope
            ),
        )
        minutes = self.cubes.get(
            ("minutes", pack.id, version, minutes_key),
            lambda: tuple(_minutes_rows(session, pack.id, version)),
        )
        # Themes span agencies (a theme needs two), so an account of one agency gets none:
        # their words would come from other agencies' reflections.
        model = None if scope.agency is not None else self._theme_model(session, pack, version)
        whole = reflections
        if scope.agency is not None:
            whole = self._reflection_cube(session, pack, version, WHOLE_PACK, today)
        # Follow-up answers: every version of the pack (an answer is about the version read
        # months before), their blocks formed over every agency's answers like the reflections'.
        impact = figures.impact_cube(session, pack_id=pack.id, scope=scope)
        impact_whole = None
        if scope.agency is not None:
            impact_whole = figures.impact_cube(session, pack_id=pack.id, scope=WHOLE_PACK)
        inputs = Inputs(
            pack,
            version,
            reflections,
            sessions,
            model or empty_model(),
            minutes,
            whole,
            impact=impact,
            impact_whole=impact_whole,
        )
        return inputs, model is None and scope.agency is None

    def build(self, filters: Filters, scope: Scope, now: datetime) -> Dashboard:
        """The Dashboard for ``filters`` within ``scope``.

        Raises:
            FilterError: for a pack or version outside the scope, or filters the engine refuses.
        """
        pack = self.packs.get(filters.pack_id)
        if pack is None or not in_scope(pack, scope):
            raise FilterError(text_of("portal_filter_no_such_pack"))
        version = self._version(filters, scope)
        today = now.astimezone(timezone.utc).date()
        with transaction(self.factory) as session:
            inputs, themes_pending = self._inputs(session, pack, version, filters, scope, today)
            dashboard = build_dashboard(
                inputs,
                replace(filters, pack_version=version),
                scope,
                k=self.settings.portal_k,
                today=today,
                retention_days=self.settings.retention_days,
                link_stale_days=self.settings.link_stale_days,
                texts=lambda ids: figures.texts_by_id(session, ids),
                anonymise=self._anonymise,
                release_of=partial(self._theme_release, inputs, today),
                followups=partial(_followup_texts, session, pack.id, scope),
            )
        if scope.agency is not None:
            # Themes and minutes are multi-agency: their words are other agencies' too.
            notes = (
                text_of("portal_themes_partnership_only"),
                text_of("portal_minutes_partnership_only"),
            )
            dashboard = replace(
                dashboard,
                minutes=(),
                filters=replace(dashboard.filters, notes=(*dashboard.filters.notes, *notes)),
            )
        if themes_pending:
            note = text_of("portal_themes_pending")
            dashboard = replace(
                dashboard,
                filters=replace(dashboard.filters, notes=(*dashboard.filters.notes, note)),
            )
        return dashboard

    def minutes_document(
        self, public_id: str, ext: str, scope: Scope
    ) -> tuple[bytes, str, str] | None:
        """One set of minutes as a file, if it exists and its pack is in scope."""
        fmt = next((name for name, spec in DOCUMENT_FORMATS.items() if spec.extension == ext), None)
        if fmt is None or scope.agency is not None:
            return None  # minutes are multi-agency: an account of one agency gets none
        with transaction(self.factory) as session:
            row = session.execute(
                select(GroupMinutes.pack_id, GroupMinutes.body).where(
                    GroupMinutes.public_id == public_id
                )
            ).one_or_none()
        if row is None:
            return None
        pack = self.packs.get(row[0])
        if pack is None or not in_scope(pack, scope):
            return None
        minutes = Minutes.from_dict(json.loads(row[1]))
        if scope.agency is not None and not any(
            item.agency == scope.agency for item in minutes.attendance
        ):
            return None
        body = render_document(replace(minutes, disclosure_k=self.settings.portal_k), fmt)
        return body, DOCUMENT_FORMATS[fmt].content_type, filename(minutes, fmt)

    # --- accounts, sessions, tokens and the audit trail ------------------------------------

    def authenticate(self, username: str, password: str, now: datetime) -> Any:
        """Check a sign-in (lockout and audit included): bot.portal.accounts.authenticate."""
        with transaction(self.factory) as session:
            return accounts.authenticate(
                session,
                username=username,
                password=password,
                now=now,
                lockout_failures=self.settings.portal_lockout_failures,
                lockout_minutes=self.settings.portal_lockout_minutes,
                secret=self.settings.secret,
                phantoms=self.phantoms,
            )

    def read_session(self, value: str, now: datetime) -> auth.SessionCheck:
        """Whether a session cookie signs a request in (bot.portal.auth.read_session)."""
        with transaction(self.factory) as session:
            return auth.read_session(self.settings, session, value, now)

    def sign_out(self, value: str, now: datetime) -> bool:
        """End the session (and the account's other sessions); audited."""
        with transaction(self.factory) as session:
            return auth.sign_out(self.settings, session, value, now)

    def record(
        self, *, event: str, account_id: int | None, detail: Mapping[str, Any], now: datetime
    ) -> None:
        """Write one audit row (non-content metadata only; audit.record checks the keys)."""
        kept = {key: value for key, value in detail.items() if value is not None}
        with transaction(self.factory) as session:
            audit.record(session, event=event, account_id=account_id, detail=kept, now=now)

    def authenticate_token(self, bearer: str, now: datetime) -> accounts.Principal | None:
        """The principal an API token acts for, or None."""
        with transaction(self.factory) as session:
            return tokens.authenticate_token(session, bearer, now)

    def list_tokens(self, account_id: int) -> list[TokenView]:
        """This account's tokens, newest first."""
        with transaction(self.factory) as session:
            rows = tokens.list_tokens(session, account_id)
            return [
                TokenView(
                    id=row.id,
                    label=row.label,
                    created=row.created_at.strftime("%Y-%m-%d"),
                    last_used=row.last_used_on.isoformat() if row.last_used_on else None,
                    revoked=row.revoked_at is not None,
                )
                for row in rows
            ]

    def create_token(self, account_id: int, label: str, now: datetime) -> str:
        """A new token for this account, returned once."""
        with transaction(self.factory) as session:
            plain, _ = tokens.create_token(session, account_id=account_id, label=label, now=now)
            return plain

    def revoke_token(self, token_id: int, principal: accounts.Principal, now: datetime) -> bool:
        """Revoke one of the principal's tokens (an admin's: any); False when there is none."""
        try:
            with transaction(self.factory) as session:
                tokens.revoke_token(
                    session,
                    token_id=token_id,
                    account_id=None if principal.is_admin else principal.account_id,
                    now=now,
                )
        except accounts.PortalAccountError:
            return False  # no such token, or another lead's: the same answer
        return True

    def recent_audit(self, limit: int) -> list[AuditView]:
        """The newest audit rows, for an admin."""
        with transaction(self.factory) as session:
            return [
                AuditView(
                    at=row.at.strftime("%Y-%m-%d %H:%M:%S"),
                    account=row.username,
                    event=row.event,
                    detail=", ".join(f"{key}={value}" for key, value in row.detail.items()),
                )
                for row in audit.recent(session, limit=limit)
            ]


def partial_fit(service: PortalService, pack: Pack, version: str) -> Callable[[], ThemeModel]:
    """The fit to run for a pack version's themes (its own session: it may run in a thread)."""

    def fit() -> ThemeModel:
        with transaction(service.factory) as session:
            docs = [
                ThemeDoc(row.id, row.iso_week, row.agency, row.team, row.point_id, row.text)
                for row in figures.reflection_texts(
                    session, pack_id=pack.id, pack_version=version, scope=WHOLE_PACK
                )
            ]
        return fit_themes(docs, recommendation_texts(pack), k=service.settings.portal_k)

    return fit


def _followup_texts(
    session: Session,
    pack_id: str,
    scope: Scope,
    point: str,
    first_week: str,
    last_week: str,
    agency: str | None,
) -> list[tuple[tuple[str, ...], str]]:
    """Follow-up answers to quote, keyed as the impact cube is (dashboard.ImpactTexts)."""
    rows = figures.followup_texts(
        session,
        pack_id=pack_id,
        point_id=point,
        first_week=first_week,
        last_week=last_week,
        scope=scope,
        agency=agency,
    )
    return [((row.iso_week, row.agency, row.point_id, row.pack_version), row.text) for row in rows]


def _bucket(seconds: int) -> int:
    """Which ``seconds``-long period of the clock this is: part of a cache key."""
    return int(time.monotonic() // seconds)


def _newest(session: Session, column: Any) -> int:
    """The largest id of a table: one step down its primary key, unlike a count."""
    return int(session.execute(select(func.max(column))).scalar() or 0)


def _minutes_rows(session: Session, pack_id: str, version: str) -> Iterable[MinutesRow]:
    statement = select(
        GroupMinutes.public_id, GroupMinutes.iso_week, GroupMinutes.team_code, GroupMinutes.body
    ).where(GroupMinutes.pack_id == pack_id, GroupMinutes.pack_version == version)
    for public_id, week, team, body in session.execute(statement):
        yield MinutesRow(public_id, week, team, body)
