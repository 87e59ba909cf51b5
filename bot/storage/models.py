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
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
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
