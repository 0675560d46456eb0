"""The one thing Orienta remembers about a user: the answer language they chose."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from knowledge.db import state_session
from knowledge.models import UserPreference


def utcnow() -> dt.datetime:
    """Naive UTC, as stored in the database (SQLite keeps no time zone)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class PreferenceStore:
    """Language choices by pseudonymous conversation id."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url

    def language(self, conversation_id: str) -> str | None:
        with state_session(self.url) as session:
            found = session.get(UserPreference, conversation_id)
            return str(found.language) if found else None

    def set_language(self, conversation_id: str, language: str) -> None:
        with state_session(self.url) as session:
            found = session.get(UserPreference, conversation_id)
            if found is None:
                session.add(
                    UserPreference(
                        conversation_id=conversation_id, language=language, updated_at=utcnow()
                    )
                )
            else:
                found.language, found.updated_at = language, utcnow()

    def forget(self, conversation_id: str) -> int:
        with state_session(self.url) as session:
            result = session.execute(
                delete(UserPreference).where(UserPreference.conversation_id == conversation_id)
            )
            return int(result.rowcount or 0)
