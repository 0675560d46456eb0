"""SQLAlchemy models of the knowledge base and the office directory.

Lists (steps, documents, hours…) are JSON columns: one schema for SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import declarative_base, relationship

Base: Any = declarative_base()  # SQLAlchemy 1.4 (Rasa's pin): untyped declarative base


class Topic(Base):
    __tablename__ = "topics"

    id = Column(String(64), primary_key=True)
    area = Column(String(32), nullable=False)
    last_verified = Column(Date, nullable=False)
    verified_against = Column(Text)
    sources = Column(JSON, nullable=False)  # [{title, url, level}]
    offices = Column(JSON, nullable=False)  # office ids, in order
    related = Column(JSON, nullable=False)  # topic ids
    file = Column(String(255))  # where it came from, for messages to administrators

    answers = relationship("Answer", back_populates="topic", cascade="all, delete-orphan")


class Answer(Base):
    __tablename__ = "answers"

    topic_id = Column(String(64), ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    language = Column(String(8), primary_key=True)
    status = Column(String(32), nullable=False)  # reviewed | machine-assisted
    revision = Column(String(16), nullable=False)  # hash of this answer's text
    from_revision = Column(String(16))  # the Italian revision a translation was made from
    short = Column(Text, nullable=False)
    steps = Column(JSON, nullable=False)
    documents = Column(JSON, nullable=False)
    costs = Column(JSON, nullable=False)
    deadlines = Column(JSON, nullable=False)
    trentino = Column(JSON, nullable=False)
    confirm = Column(Text)

    topic = relationship("Topic", back_populates="answers")


class Office(Base):
    __tablename__ = "offices"

    id = Column(String(64), primary_key=True)
    name = Column(String(255), nullable=False)
    kind = Column(String(32), nullable=False)
    topics = Column(JSON, nullable=False)
    municipality = Column(String(128))
    address = Column(String(255))
    lat = Column(Float)
    lon = Column(Float)
    phone = Column(String(64))
    email = Column(String(128))
    website = Column(String(255))
    hours = Column(JSON, nullable=False)  # {"mon": ["08:30-12:30"], …}
    exceptions = Column(JSON, nullable=False)  # [{"date": "2026-12-24", "hours": [] | ["…"]}]
    always_open = Column(Boolean, nullable=False, default=False)
    languages = Column(JSON, nullable=False)
    notes = Column(JSON, nullable=False)  # {lang: text}
    sources = Column(JSON, nullable=False)
    last_verified = Column(Date, nullable=False)
    confirm = Column(JSON, nullable=False)  # fields to confirm
    file = Column(String(255))


class Area(Base):
    __tablename__ = "areas"

    id = Column(String(64), primary_key=True)
    name = Column(String(255), nullable=False)
    cinformi = Column(String(64))  # the Cinformi desk that serves the area


class Comune(Base):
    __tablename__ = "comuni"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(128), nullable=False, unique=True)
    area_id = Column(String(64), ForeignKey("areas.id"), nullable=False)
    lat = Column(Float)
    lon = Column(Float)


# --- Conversation state: the little Orienta keeps about users -------------------------------
# Users are known only by a pseudonymous conversation id (a hash of channel and user id).
# The channel address needed to deliver staff replies is kept only while a handoff is open.


class UserPreference(Base):
    """A user's chosen answer language."""

    __tablename__ = "user_preferences"

    conversation_id = Column(String(64), primary_key=True)
    language = Column(String(8), nullable=False)
    updated_at = Column(DateTime, nullable=False)  # UTC


class Handoff(Base):
    """A conversation handed to a person: the staff queue."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(64), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    address = Column(String(128))  # where staff replies go; cleared when the handoff closes
    language = Column(String(8), nullable=False)
    topic = Column(String(64))  # what the user asked about last
    status = Column(String(16), nullable=False, index=True)  # open | closed
    opened_at = Column(DateTime, nullable=False)  # UTC
    last_activity_at = Column(DateTime, nullable=False)  # UTC
    closed_at = Column(DateTime)
    closed_by = Column(String(16))  # staff | user | timeout
    #: the user wrote about danger or urgent need: staff see it first
    urgent = Column(Boolean, nullable=False, default=False, server_default=false())

    messages = relationship(
        "HandoffMessage",
        back_populates="handoff",
        cascade="all, delete-orphan",
        order_by="HandoffMessage.id",
    )


class HandoffMessage(Base):
    """One line of a handoff's transcript."""

    __tablename__ = "handoff_messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False)
    sender = Column(String(8), nullable=False)  # user | bot | staff
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)  # UTC

    handoff = relationship("Handoff", back_populates="messages")


class WebOutboxMessage(Base):
    """A message for a web chat tab that arrives later (a staff reply), until the tab has it.
    Ids never repeat, also across restarts (AUTOINCREMENT)."""

    __tablename__ = "web_outbox"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - SQLAlchemy's own form

    id = Column(Integer, primary_key=True, autoincrement=True)
    address = Column(String(64), nullable=False, index=True)  # the tab's random session id
    language = Column(String(8), nullable=False)
    reply = Column(JSON, nullable=False)  # text and buttons
    created_at = Column(DateTime, nullable=False)  # UTC


class Delivery(Base):
    """A channel delivery already answered (a WhatsApp message id, a Telegram update id):
    a second delivery of it is not answered again, also after a restart."""

    __tablename__ = "deliveries"

    channel = Column(String(16), primary_key=True)
    key = Column(String(128), primary_key=True)
    seen_at = Column(DateTime, nullable=False, index=True)  # UTC
