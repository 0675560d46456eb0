"""What the actions read from the database, one short session per question."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.db import DatabaseUnavailableError, session_scope
from knowledge.models import Answer, Area, Comune, Office, Topic

T = TypeVar("T")


@dataclass(frozen=True)
class FoundAnswer:
    topic: Topic
    answer: Answer
    #: True when the answer is not in the language asked for (a fallback was used)
    fallback: bool


class KnowledgeRepository:
    def __init__(self, url: str | None = None) -> None:
        self.url = url

    def _run(self, query: Callable[[Session], T]) -> T:
        try:
            with session_scope(self.url) as session:
                return query(session)
        except SQLAlchemyError as exc:
            raise DatabaseUnavailableError(
                f"knowledge database error: {type(exc).__name__}"
            ) from exc

    def answer(self, topic_id: str, languages: list[str]) -> FoundAnswer | None:
        """The answer in the first of ``languages`` that has one."""

        def query(session: Session) -> FoundAnswer | None:
            topic = session.get(Topic, topic_id)
            if topic is None:
                return None
            by_language = {a.language: a for a in topic.answers}
            for position, language in enumerate(languages):
                if language in by_language:
                    return FoundAnswer(topic, by_language[language], fallback=position > 0)
            return None

        return self._run(query)

    def offices(self, ids: list[str]) -> list[Office]:
        def query(session: Session) -> list[Office]:
            found = {
                o.id: o for o in session.execute(select(Office).where(Office.id.in_(ids))).scalars()
            }
            return [found[i] for i in ids if i in found]

        return self._run(query)

    def offices_of_kind(self, kind: str) -> list[Office]:
        return self._run(
            lambda s: list(
                s.execute(select(Office).where(Office.kind == kind).order_by(Office.id)).scalars()
            )
        )

    def area_desks(self) -> dict[str, str]:
        """Area id → the Cinformi desk that serves it."""
        return self._run(
            lambda s: {a.id: a.cinformi for a in s.execute(select(Area)).scalars() if a.cinformi}
        )

    def comuni(self) -> list[Comune]:
        return self._run(lambda s: list(s.execute(select(Comune)).scalars()))
