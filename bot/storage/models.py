"""The tables Reflect owns, as SQLAlchemy declarative models.

What is *not* here matters as much as what is: a reflection row has no sender id, user id, IP
address, conversation id or exact timestamp, so nothing in the database can link a reflection
to the practitioner who wrote it. Time is kept only as an ISO week ("2026-W48"), coarse enough
that a reflection cannot be matched to a sign-in or a message time.

The schema itself is created by Alembic (``bot/storage/migrations``); these models must stay in
step with the latest revision, which a test checks with Alembic's autogenerate comparison.
"""

# SQLAlchemy 1.4 ships without type information; its objects are Any to mypy until SQLAlchemy 2.
# mypy: disable-error-code="import-untyped"
# mypy: allow-subclassing-any

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base

#: The agency categories a practitioner may choose; ``None`` means "prefer not to say".
AGENCIES: tuple[str, ...] = (
    "police",
    "health",
    "childrens_social_care",
    "education",
    "early_help",
    "voluntary_sector",
    "other",
)

MAX_TEXT_LENGTH = 4000
MAX_PACK_ID_LENGTH = 100
MAX_PACK_VERSION_LENGTH = 32
MAX_POINT_ID_LENGTH = 100
MAX_CHANNEL_KIND_LENGTH = 32
HASH_LENGTH = 66  # "a_"/"s_" prefix + 64 hex digits; a receipt hash is the bare 64.
KEY_LENGTH = 64  # a bare keyed hash (HMAC-SHA256 in hex)
PUBLIC_ID_LENGTH = 32  # secrets.token_urlsafe(16) is 22 characters
MAX_TEAM_CODE_LENGTH = 16
MAX_SHORT_ANSWER_LENGTH = 200  # an action's owner (a role) and its "by when"

#: What a row of ``reflections`` is: a reflection on a point, or a follow-up answer months later
#: ("what has changed in your practice since?"), which the portal shows as impact.
REFLECTION_KINDS: tuple[str, ...] = ("reflection", "followup")
#: How a follow-up reaches its practitioner: a Teams proactive message, or the widget's next visit.
FOLLOWUP_CHANNELS: tuple[str, ...] = ("teams", "widget")
#: Where a follow-up stands: waiting to be due, claimed by one sender, or asked (awaiting answer).
FOLLOWUP_STATUSES: tuple[str, ...] = ("pending", "sending", "asked")
MAX_FOLLOWUP_POINTS_LENGTH = 500  # the discussed point ids, comma-separated
MAX_REFERENCE_LENGTH = 4000  # an encrypted Teams conversation reference, base64

#: Where a group session stands; only a live one has a lead key, a join hash or times.
GROUP_STATUSES: tuple[str, ...] = ("live", "closed", "expired")

#: What a live group session is waiting for (bot/group/flow.py reads the lead's messages by it).
GROUP_STAGES: tuple[str, ...] = (
    "duration",
    "points",
    "attendance",
    "attendance_check",
    "action_what",
    "action_owner",
    "action_when",
    "action_measure",
    "action_more",
    "closed",
)

#: Who may sign in to the safeguarding lead's portal: a lead (one partnership, maybe one agency)
#: or an admin (every partnership unless given one; manages other accounts' API tokens).
PORTAL_ROLES: tuple[str, ...] = ("lead", "admin")
#: What the portal's audit trail records: each a kind of event, never its content.
PORTAL_AUDIT_EVENTS: tuple[str, ...] = (
    "sign_in",
    "sign_in_failed",
    "sign_in_locked",
    "sign_out",
    "session_expired",
    "filter",
    "download",
    "api",
    "token_created",
    "token_revoked",
    "account_added",
    "account_disabled",
    "password_reset",
    "link_opened",
)
MAX_USERNAME_LENGTH = 64
MAX_PARTNERSHIP_LENGTH = 32
MAX_PASSWORD_HASH_LENGTH = 255  # an argon2id PHC string is about 100 characters
MAX_AUDIT_DETAIL_LENGTH = 500
MAX_TOKEN_LABEL_LENGTH = 64

# Named constraints: Alembic's SQLite batch mode can only alter or drop constraints it can name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base: Any = declarative_base(metadata=metadata)

_AGENCY_LIST = ", ".join(f"'{agency}'" for agency in AGENCIES)
_STATUS_LIST = ", ".join(f"'{status}'" for status in GROUP_STATUSES)
_STAGE_LIST = ", ".join(f"'{stage}'" for stage in GROUP_STAGES)
_ROLE_LIST = ", ".join(f"'{role}'" for role in PORTAL_ROLES)
_EVENT_LIST = ", ".join(f"'{event}'" for event in PORTAL_AUDIT_EVENTS)
_KIND_LIST = ", ".join(f"'{kind}'" for kind in REFLECTION_KINDS)
_FOLLOWUP_CHANNEL_LIST = ", ".join(f"'{channel}'" for channel in FOLLOWUP_CHANNELS)
_FOLLOWUP_STATUS_LIST = ", ".join(f"'{status}'" for status in FOLLOWUP_STATUSES)


class Reflection(Base):
    """One anonymised reflection on a discussion point, deliberately unlinkable to its author.

    ``text`` has already been through the anonymiser at the channel door; ``receipt_hash`` is an
    HMAC of the receipt code (the code itself is never stored), so only the practitioner who
    kept the code can withdraw the row. ``created_week_start`` repeats ``iso_week`` as a date so
    retention can be enforced with a plain indexed comparison.
    """

    __tablename__ = "reflections"
    __table_args__ = (
        CheckConstraint(
            f"agency IS NULL OR agency IN ({_AGENCY_LIST})",
            name="agency_known",
        ),
        CheckConstraint(f"length(text) <= {MAX_TEXT_LENGTH}", name="text_length"),
        CheckConstraint(f"kind IN ({_KIND_LIST})", name="kind_known"),
        # The portal's figures (bot/portal/figures.py) are counted from this index alone.
        Index(
            "ix_reflections_portal_cube",
            "pack_id",
            "pack_version",
            "iso_week",
            "agency",
            "point_id",
            "group_ref",
            "kind",
        ),
        # One row per save, however often it is sent (migration 0007).
        Index("ux_reflections_idempotency_key", "idempotency_key", unique=True),
    )

    id = Column(Integer, primary_key=True)
    pack_id = Column(String(MAX_PACK_ID_LENGTH), nullable=False, index=True)
    pack_version = Column(String(MAX_PACK_VERSION_LENGTH), nullable=False)
    point_id = Column(String(MAX_POINT_ID_LENGTH), nullable=False)
    text = Column(String(MAX_TEXT_LENGTH), nullable=False)
    agency = Column(String(32), nullable=True)
    iso_week = Column(String(8), nullable=False)
    channel_kind = Column(String(MAX_CHANNEL_KIND_LENGTH), nullable=False)
    receipt_hash = Column(String(HASH_LENGTH), nullable=False, unique=True)
    created_week_start = Column(Date, nullable=False, index=True)
    group_ref = Column(String(PUBLIC_ID_LENGTH), nullable=True, index=True)
    #: Keyed hash of what makes two saves the same one (bot.reflections.receipts.idempotency_key).
    idempotency_key = Column(String(HASH_LENGTH), nullable=True)
    """The public id of the group session a joined member wrote it in (None outside one)."""
    #: "reflection", or "followup" for an answer to the follow-up months later (migration 0008).
    kind = Column(String(16), nullable=False, default="reflection", server_default="reflection")


class WithdrawalAttempt(Base):
    """How many times one (pseudonymous) sender tried to withdraw a reflection on one day.

    This limits guessing of receipt codes. It links to a sender, never to a reflection: it holds
    no code, receipt hash or reflection id. ``sender_key`` is an HMAC of the sender pseudonym
    *and the day* (:func:`bot.reflections.receipts.attempt_key`), so it cannot be joined to the
    tracker store, and rows are deleted once their day is over. One reserved row a day,
    ``bot.reflections.service.ALL_SENDERS_KEY``, counts every sender's failures together.
    """

    __tablename__ = "withdrawal_attempts"
    __table_args__ = (PrimaryKeyConstraint("sender_key", "day"),)

    sender_key = Column(String(HASH_LENGTH), nullable=False)
    day = Column(Date, nullable=False, index=True)
    attempts = Column(Integer, nullable=False, default=0)


class RevokedWidgetSession(Base):
    """A web widget session that was ended ("Forget this conversation"): never adopt it again.

    Widget session tokens are stateless signed ids (bot/web/sessions.py), so only a list every
    Rasa server process can read can refuse one before it expires. ``token_key`` is a keyed
    hash of the token (never the token, never the sender id), and the row is deleted once the
    token would have expired anyway (``issued_on`` plus Settings.widget_session_days), so the
    table holds at most that many days of revocations and nothing about any conversation.
    """

    __tablename__ = "revoked_widget_sessions"

    token_key = Column(String(64), primary_key=True)
    issued_on = Column(Date, nullable=False, index=True)


class ConversationMemoryRow(Base):
    """One identifier a conversation redacted, kept only as a keyed hash, until it expires.

    Lets the door catch "Hollis said no" after "dad Frankie Hollis" in an earlier message
    (bot/channels/memory.py). Holds no identifier and no sender id: ``conversation`` is a
    keyed hash of the sender pseudonym under its own label
    (:func:`bot.reflections.receipts.conversation_key`) and ``token`` a keyed hash of the
    redacted word under the secret *and* the conversation
    (:func:`bot.reflections.receipts.memory_hash`). Rows expire with the conversation session.
    """

    __tablename__ = "conversation_memory"
    __table_args__ = (PrimaryKeyConstraint("conversation", "token"),)

    conversation = Column(String(64), nullable=False)
    token = Column(String(64), nullable=False)
    kind = Column(String(16), nullable=False)
    expires_at = Column(DateTime, nullable=False, index=True)


class GroupSession(Base):
    """A team's facilitated discussion, while it runs, and a tombstone once it has ended.

    Live, it holds what the facilitation needs: the stage, the current point, the plan's
    duration, when it started and was last used (for timing hints and expiry), a keyed hash of
    the lead (``lead_key``, per session, so it cannot be followed across sessions) and a keyed
    hash of the join code (``join_hash``; the code itself is never stored). Closed or expired,
    every one of those is NULL, the notes, actions, attendance and member rows are deleted, and
    only the public id, pack and status remain (``reflect purge`` deletes ended rows). The
    points shown, skipped and given a timing hint are bit sets (bit ``n - 1`` for point ``n``).
    """

    __tablename__ = "group_sessions"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="status_known"),
        CheckConstraint(f"stage IN ({_STAGE_LIST})", name="stage_known"),
        CheckConstraint(
            "status = 'live' OR (lead_key IS NULL AND join_hash IS NULL AND started_at IS NULL"
            " AND last_activity_at IS NULL AND point_started_at IS NULL)",
            name="ended_keeps_nothing",
        ),
    )

    id = Column(Integer, primary_key=True)
    public_id = Column(String(PUBLIC_ID_LENGTH), nullable=False, unique=True)
    pack_id = Column(String(MAX_PACK_ID_LENGTH), nullable=False)
    pack_version = Column(String(MAX_PACK_VERSION_LENGTH), nullable=False)
    status = Column(String(16), nullable=False, index=True)
    stage = Column(String(16), nullable=False)
    planned_minutes = Column(Integer, nullable=True)
    point_number = Column(Integer, nullable=True)
    team_code = Column(String(MAX_TEAM_CODE_LENGTH), nullable=True)
    join_hash = Column(String(KEY_LENGTH), nullable=True, unique=True)
    lead_key = Column(String(KEY_LENGTH), nullable=True)
    started_at = Column(DateTime, nullable=True)
    last_activity_at = Column(DateTime, nullable=True, index=True)
    point_started_at = Column(DateTime, nullable=True)
    points_shown = Column(Integer, nullable=False, default=0)
    points_skipped = Column(Integer, nullable=False, default=0)
    hints_given = Column(Integer, nullable=False, default=0)


def _session_fk() -> Column:
    return Column(
        Integer, ForeignKey("group_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )


class GroupNote(Base):
    """One key point the lead typed for the team (anonymised at the door), while it runs."""

    __tablename__ = "group_notes"
    __table_args__ = (CheckConstraint(f"length(text) <= {MAX_TEXT_LENGTH}", name="text_length"),)

    id = Column(Integer, primary_key=True)
    session_id = _session_fk()
    point_number = Column(Integer, nullable=False)
    position = Column(Integer, nullable=False)
    text = Column(String(MAX_TEXT_LENGTH), nullable=False)


class GroupAction(Base):
    """An action the team agreed, filled in field by field (owner is a role, never a name)."""

    __tablename__ = "group_actions"

    id = Column(Integer, primary_key=True)
    session_id = _session_fk()
    position = Column(Integer, nullable=False)
    what = Column(String(MAX_TEXT_LENGTH), nullable=False)
    owner_role = Column(String(MAX_SHORT_ANSWER_LENGTH), nullable=True)
    by_when = Column(String(MAX_SHORT_ANSWER_LENGTH), nullable=True)
    measure = Column(String(MAX_TEXT_LENGTH), nullable=True)


class GroupAttendance(Base):
    """How many took part from one agency: a count, never who."""

    __tablename__ = "group_attendance"
    __table_args__ = (
        PrimaryKeyConstraint("session_id", "agency"),
        CheckConstraint(f"agency IN ({_AGENCY_LIST})", name="agency_known"),
        CheckConstraint("count > 0 AND count < 1000", name="count_range"),
    )

    session_id = Column(
        Integer, ForeignKey("group_sessions.id", ondelete="CASCADE"), nullable=False
    )
    agency = Column(String(32), nullable=False)
    count = Column(Integer, nullable=False)


class GroupMember(Base):
    """A team member who joined with the code, so each is counted once; deleted at close.

    ``member_key`` is a keyed hash of the session's public id and the door's member hash, so it
    says nothing outside this session and nothing about who the member is.
    """

    __tablename__ = "group_members"
    __table_args__ = (PrimaryKeyConstraint("session_id", "member_key"),)

    session_id = Column(
        Integer, ForeignKey("group_sessions.id", ondelete="CASCADE"), nullable=False
    )
    member_key = Column(String(KEY_LENGTH), nullable=False)


class GroupMinutes(Base):
    """The minutes of a closed session (bot.group.minutes.Minutes as JSON), for the lead's team.

    Like a reflection, nothing here can link the minutes to a person: no lead or member key, no
    time finer than the ISO week (``created_week_start`` repeats it as a date for retention),
    and only a keyed hash of the receipt code that withdraws them. ``public_id`` is what a
    download link names; ``group_ref`` is the session's public id, which reflections written
    by members who joined carry too.
    """

    __tablename__ = "group_minutes"
    __table_args__ = (
        # One set of minutes per group session, however often it is closed (migration 0007).
        Index("ux_group_minutes_idempotency_key", "idempotency_key", unique=True),
    )

    id = Column(Integer, primary_key=True)
    public_id = Column(String(PUBLIC_ID_LENGTH), nullable=False, unique=True)
    group_ref = Column(String(PUBLIC_ID_LENGTH), nullable=True, index=True)
    pack_id = Column(String(MAX_PACK_ID_LENGTH), nullable=False, index=True)
    pack_version = Column(String(MAX_PACK_VERSION_LENGTH), nullable=False)
    iso_week = Column(String(8), nullable=False)
    created_week_start = Column(Date, nullable=False, index=True)
    team_code = Column(String(MAX_TEAM_CODE_LENGTH), nullable=True)
    body = Column(Text, nullable=False)
    receipt_hash = Column(String(HASH_LENGTH), nullable=False, unique=True)
    #: Keyed hash of the group session (bot.reflections.receipts.minutes_key).
    idempotency_key = Column(String(HASH_LENGTH), nullable=True)


class PortalAccount(Base):
    """A safeguarding lead or admin who may sign in to the portal (created by ``reflect leads``).

    There is no self sign-up: only an operator with shell access adds, disables or resets an
    account. ``password_hash`` is an argon2id PHC string (bot.portal.accounts), never the
    password. ``generation`` is signed into every session cookie; a reset, a disable or a
    sign-out bumps it, so every cookie issued before dies at once although cookies are
    stateless. ``failed_count`` and ``locked_until`` are the per-account lockout. A lead always
    has a partnership (what the lead may see); an admin without one sees every partnership.
    """

    __tablename__ = "portal_accounts"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="role_known"),
        CheckConstraint("role = 'admin' OR partnership IS NOT NULL", name="lead_has_partnership"),
        CheckConstraint(f"agency IS NULL OR agency IN ({_AGENCY_LIST})", name="agency_known"),
        CheckConstraint(
            "username = lower(username) AND length(username) >= 3", name="username_shape"
        ),
        CheckConstraint("failed_count >= 0", name="failed_count_positive"),
    )

    id = Column(Integer, primary_key=True)
    username = Column(String(MAX_USERNAME_LENGTH), nullable=False, unique=True)
    role = Column(String(8), nullable=False)
    partnership = Column(String(MAX_PARTNERSHIP_LENGTH), nullable=True)
    agency = Column(String(32), nullable=True)
    password_hash = Column(String(MAX_PASSWORD_HASH_LENGTH), nullable=False)
    disabled = Column(Boolean, nullable=False, default=False)
    failed_count = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)
    generation = Column(Integer, nullable=False, default=1)
    created_at = Column(DateTime, nullable=False)
    password_changed_at = Column(DateTime, nullable=False)


class PortalAudit(Base):
    """One thing that happened in the portal: who, when, what kind, and metadata, no content.

    ``detail`` is short JSON of allow-listed keys and short values (bot.portal.audit checks
    both): a download's format and pack, a filter's fields, a failure's reason. Never a
    password, a token, a reflection or a quote; a failed sign-in with an unknown username keeps
    only a keyed hash prefix of what was typed (it may be a mistyped password). Rows are kept
    for Settings.portal_audit_days, then ``reflect purge`` deletes them. ``at`` is naive UTC
    like every time in these tables.
    """

    __tablename__ = "portal_audit"
    __table_args__ = (CheckConstraint(f"event IN ({_EVENT_LIST})", name="event_known"),)

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    account_id = Column(
        Integer,
        ForeignKey("portal_accounts.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    )
    event = Column(String(24), nullable=False)
    detail = Column(String(MAX_AUDIT_DETAIL_LENGTH), nullable=False, default="{}")


class PortalToken(Base):
    """An API token of one account, revocable; only its SHA-256 is stored.

    The token is 256 random bits shown once (``reflect leads token add``), so a plain SHA-256
    is enough: there is nothing to brute-force, and a lookup by hash needs no per-row salt.
    ``last_used_on`` is a day, updated at most once a day, so the table is not a usage log.
    """

    __tablename__ = "portal_tokens"

    id = Column(Integer, primary_key=True)
    account_id = Column(
        Integer,
        ForeignKey("portal_accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    token_hash = Column(String(KEY_LENGTH), nullable=False, unique=True)
    label = Column(String(MAX_TOKEN_LABEL_LENGTH), nullable=False)
    created_at = Column(DateTime, nullable=False)
    last_used_on = Column(Date, nullable=True)
    revoked_at = Column(DateTime, nullable=True)


class CpdRecord(Base):
    """A practitioner's CPD record, only while its download link lives (bot/cpd).

    ``body`` is the record encrypted (AES-GCM) under a random key that exists only inside the
    signed link the practitioner was shown, so the database alone cannot read it; there is no
    sender, conversation or account column. The row is deleted when the link expires
    (``expires_at``, naive UTC) by the download route, by each new record and by
    ``reflect purge``: after that nothing anywhere links the record to a person.
    """

    __tablename__ = "cpd_records"

    id = Column(Integer, primary_key=True)
    public_id = Column(String(PUBLIC_ID_LENGTH), nullable=False, unique=True)
    body = Column(Text, nullable=False)
    expires_at = Column(DateTime, nullable=False, index=True)


class Followup(Base):
    """A practitioner's opt-in to be asked, months later, what has changed in their practice.

    Holds what sending it needs and no more (bot/followup): the pack and its version, the
    discussed point ids, the day it is due, and how to reach them. ``owner_key`` is a keyed hash
    (never a raw id) of the Teams sender pseudonym or of the widget's follow-up token, so "stop
    the follow-up" finds it. ``reference`` is the Teams conversation reference encrypted under a
    key derived from the server secret, set only for Teams and deleted (NULL) once the message
    is sent or the practitioner opts out. ``claimed_until`` lets exactly one of several replicas
    send it. The row is deleted when the answer is saved, on opting out, or by ``reflect
    purge`` once unanswered for Settings.followup_answer_days; the answer itself is a
    ``reflections`` row of kind "followup" that does not link back here.
    """

    __tablename__ = "followups"
    __table_args__ = (
        CheckConstraint(f"channel IN ({_FOLLOWUP_CHANNEL_LIST})", name="channel_known"),
        CheckConstraint(f"status IN ({_FOLLOWUP_STATUS_LIST})", name="status_known"),
        CheckConstraint("channel = 'teams' OR reference IS NULL", name="reference_teams_only"),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
    )

    id = Column(Integer, primary_key=True)
    public_id = Column(String(PUBLIC_ID_LENGTH), nullable=False, unique=True)
    channel = Column(String(16), nullable=False)
    owner_key = Column(String(KEY_LENGTH), nullable=False, index=True)
    pack_id = Column(String(MAX_PACK_ID_LENGTH), nullable=False)
    pack_version = Column(String(MAX_PACK_VERSION_LENGTH), nullable=False)
    points = Column(String(MAX_FOLLOWUP_POINTS_LENGTH), nullable=False, default="")
    due_on = Column(Date, nullable=False, index=True)
    status = Column(String(16), nullable=False, default="pending", index=True)
    reference = Column(Text, nullable=True)
    attempts = Column(Integer, nullable=False, default=0)
    claimed_until = Column(DateTime, nullable=True)
    asked_on = Column(Date, nullable=True)
