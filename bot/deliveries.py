"""Deliveries already answered, in the database: a channel that delivers the same message
twice (a retried webhook, a restart in between) gets one answer."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import delete
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.preferences import utcnow
from knowledge.db import DatabaseUnavailableError, session_scope, state_session
from knowledge.models import Delivery

logger = logging.getLogger(__name__)
#: how long a delivery is remembered (channels retry within hours, not days)
KEEP = dt.timedelta(days=2)


class DeliveryLog:
    def __init__(self, url: str | None = None) -> None:
        self.url = url

    def first_time(self, channel: str, key: str) -> bool:
        """True the first time ``key`` is seen on ``channel`` (then it is remembered)."""
        now = utcnow()
        try:
            with session_scope(self.url) as session:
                session.add(Delivery(channel=channel, key=key[:128], seen_at=now))
        except IntegrityError:  # the primary key says: seen before
            return False
        except DBAPIError as exc:
            raise DatabaseUnavailableError(f"deliveries: {type(exc.orig).__name__}") from exc
        return True

    def purge(self) -> int:
        with state_session(self.url) as session:
            result = session.execute(delete(Delivery).where(Delivery.seen_at < utcnow() - KEEP))
            return int(result.rowcount or 0)


async def first_time(log: DeliveryLog, channel: str, key: str) -> bool:
    """``log.first_time`` off the event loop; with the database down, answer (twice, maybe)
    rather than never."""
    try:
        return await asyncio.to_thread(log.first_time, channel, key)
    except DatabaseUnavailableError as exc:
        logger.warning("duplicate check skipped: %s", exc)
        return True
