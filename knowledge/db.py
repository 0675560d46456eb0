"""The database engine and sessions, created on first use (never at import time)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from orienta.paths import PROJECT_ROOT


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be reached; the message says which URL (without password)."""


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    from orienta.settings import get_settings

    return create_engine(url or get_settings().database_url, future=True, pool_pre_ping=True)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    factory = sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def state_session(url: str | None = None) -> Iterator[Session]:
    """A transaction on conversation state: a database that is down or not migrated raises
    :class:`DatabaseUnavailableError`, which callers turn into a polite reply."""
    from sqlalchemy.exc import DBAPIError

    try:
        with session_scope(url) as session:
            yield session
    except DBAPIError as exc:
        raise DatabaseUnavailableError(f"conversation state: {type(exc.orig).__name__}") from exc


def migrate(url: str | None = None) -> None:
    """Bring the schema up to date with the Alembic migrations."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy.exc import OperationalError

    from orienta.settings import get_settings

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "knowledge" / "migrations"))
    # configparser treats "%" as interpolation: escape it (URLs may carry %-encoded options)
    config.set_main_option(
        "sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%")
    )
    try:
        command.upgrade(config, "head")
    except OperationalError as exc:
        raise DatabaseUnavailableError(f"cannot reach the database: {exc.orig}") from exc


def reachable(url: str | None = None) -> bool:
    """Whether the database answers a read of its schema version (blocking: run it in a
    thread). A locked, missing or unmigrated database is not reachable."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with _probe_engine(url).connect() as connection:
            connection.execute(text("SELECT version_num FROM alembic_version"))
        return True
    except SQLAlchemyError:
        return False


@lru_cache(maxsize=4)
def _probe_engine(url: str | None = None) -> Engine:
    """An engine that gives up within a second: a health check must not wait on a lock."""
    from orienta.settings import get_settings

    url = url or get_settings().database_url
    if url.startswith("sqlite"):
        return create_engine(url, future=True, connect_args={"timeout": 1})
    return create_engine(url, future=True, connect_args={"connect_timeout": 1})
