"""The staff queue: conversations handed to a person, stored in the database.

While a handoff is open, automatic replies pause: the user's messages go to staff, and staff
replies go back to the user's channel. A handoff closes when staff (or the user) close it, or
after ``handoff_timeout_minutes`` without activity. The channel address needed to deliver
staff replies is erased when the handoff closes; transcripts are deleted after
``handoff_retention_days``, or at once when the user asks Orienta to forget them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from bot.preferences import utcnow
from knowledge.db import state_session
from knowledge.models import Handoff, HandoffMessage

SENDERS = ("user", "bot", "staff")


@dataclass(frozen=True)
class TranscriptLine:
    sender: str
    text: str
    at: dt.datetime


@dataclass(frozen=True)
class HandoffView:
    """A handoff as staff see it (detached from the database session)."""

    id: int
    conversation_id: str
    channel: str
    address: str | None
    language: str
    topic: str | None
    status: str
    opened_at: dt.datetime
    last_activity_at: dt.datetime
    closed_by: str | None
    transcript: tuple[TranscriptLine, ...]
    urgent: bool = False

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def _view(handoff: Handoff) -> HandoffView:
    return HandoffView(
        id=int(handoff.id),
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        address=handoff.address,
        language=handoff.language,
        topic=handoff.topic,
        status=handoff.status,
        opened_at=handoff.opened_at,
        last_activity_at=handoff.last_activity_at,
        closed_by=handoff.closed_by,
        transcript=tuple(TranscriptLine(m.sender, m.text, m.created_at) for m in handoff.messages),
        urgent=bool(handoff.urgent),
    )


class HandoffDesk:
    """Opens, feeds, lists and closes handoffs."""

    def __init__(self, timeout_minutes: int, url: str | None = None) -> None:
        self.timeout = dt.timedelta(minutes=timeout_minutes)
        self.url = url

    def _load(self, session: Session, handoff_id: int) -> Handoff | None:
        query = (
            select(Handoff).options(selectinload(Handoff.messages)).where(Handoff.id == handoff_id)
        )
        return session.execute(query).scalar_one_or_none()

    @staticmethod
    def _close(handoff: Handoff, by: str, now: dt.datetime) -> None:
        handoff.status, handoff.closed_by, handoff.closed_at = "closed", by, now
        handoff.address = None  # the channel address is kept only while it is needed

    def open(
        self,
        conversation_id: str,
        channel: str,
        address: str,
        language: str,
        topic: str | None,
        transcript: list[tuple[str, str]],
    ) -> tuple[HandoffView, bool]:
        """Open a handoff (or return the one already open). True when it is new."""
        current = self.active(conversation_id)
        if current is not None:
            return current, False
        now = utcnow()
        with state_session(self.url) as session:
            handoff = Handoff(
                conversation_id=conversation_id,
                channel=channel,
                address=address,
                language=language,
                topic=topic,
                status="open",
                opened_at=now,
                last_activity_at=now,
            )
            handoff.messages = [
                HandoffMessage(sender=sender, text=text, created_at=now)
                for sender, text in transcript
                if sender in SENDERS and text
            ]
            session.add(handoff)
            session.flush()
            return _view(handoff), True

    def active(self, conversation_id: str) -> HandoffView | None:
        """The conversation's open handoff; one idle past the timeout is closed first."""
        now = utcnow()
        with state_session(self.url) as session:
            query = (
                select(Handoff)
                .options(selectinload(Handoff.messages))
                .where(Handoff.conversation_id == conversation_id, Handoff.status == "open")
                .order_by(Handoff.id.desc())
            )
            for handoff in session.execute(query).scalars():
                if now - handoff.last_activity_at > self.timeout:
                    self._close(handoff, "timeout", now)
                    continue
                return _view(handoff)
        return None

    def add(self, handoff_id: int, sender: str, text: str) -> HandoffView | None:
        """Add a transcript line to an open handoff; None if it is not open any more."""
        if sender not in SENDERS:
            raise ValueError(f"unknown sender {sender!r}")
        now = utcnow()
        with state_session(self.url) as session:
            handoff = self._load(session, handoff_id)
            if handoff is None or handoff.status != "open":
                return None
            handoff.messages.append(HandoffMessage(sender=sender, text=text, created_at=now))
            handoff.last_activity_at = now
            session.flush()
            return _view(handoff)

    def mark_urgent(self, handoff_id: int) -> HandoffView | None:
        """Flag an open handoff as urgent (staff see it first); None if it is not open."""
        with state_session(self.url) as session:
            handoff = self._load(session, handoff_id)
            if handoff is None or handoff.status != "open":
                return None
            handoff.urgent = True
            session.flush()
            return _view(handoff)

    def close(self, handoff_id: int, by: str) -> HandoffView | None:
        """Close an open handoff. Returns it as it was (with its address), or None."""
        with state_session(self.url) as session:
            handoff = self._load(session, handoff_id)
            if handoff is None or handoff.status != "open":
                return None
            before = _view(handoff)
            self._close(handoff, by, utcnow())
            return before

    def get(self, handoff_id: int) -> HandoffView | None:
        with state_session(self.url) as session:
            handoff = self._load(session, handoff_id)
            return _view(handoff) if handoff else None

    def queue(self) -> list[HandoffView]:
        """Open handoffs, urgent ones first, then oldest first (idle ones past the timeout are
        closed)."""
        now = utcnow()
        with state_session(self.url) as session:
            query = (
                select(Handoff)
                .options(selectinload(Handoff.messages))
                .where(Handoff.status == "open")
                .order_by(Handoff.urgent.desc(), Handoff.opened_at)
            )
            views = []
            for handoff in session.execute(query).scalars():
                if now - handoff.last_activity_at > self.timeout:
                    self._close(handoff, "timeout", now)
                else:
                    views.append(_view(handoff))
            return views

    def forget(self, conversation_id: str) -> int:
        """Delete every handoff of a conversation, open or closed, with its transcript."""
        with state_session(self.url) as session:
            ids = select(Handoff.id).where(Handoff.conversation_id == conversation_id)
            session.execute(
                delete(HandoffMessage)
                .where(HandoffMessage.handoff_id.in_(ids))
                .execution_options(synchronize_session=False)
            )
            result = session.execute(
                delete(Handoff).where(Handoff.conversation_id == conversation_id)
            )
            return int(result.rowcount or 0)

    def purge(self, retention_days: int) -> int:
        """Delete closed handoffs older than the retention period."""
        limit = utcnow() - dt.timedelta(days=retention_days)
        with state_session(self.url) as session:
            old = select(Handoff.id).where(Handoff.status == "closed", Handoff.closed_at < limit)
            session.execute(
                delete(HandoffMessage)
                .where(HandoffMessage.handoff_id.in_(old))
                .execution_options(synchronize_session=False)
            )
            result = session.execute(
                delete(Handoff).where(Handoff.status == "closed", Handoff.closed_at < limit)
            )
            return int(result.rowcount or 0)
