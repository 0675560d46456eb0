"""One typed settings object, read from ``ORIENTA_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseSettings, Field, validator

from orienta.paths import DEFAULT_TOPICS_FILE, PROJECT_ROOT

SUPPORTED_LANGUAGES: tuple[str, ...] = ("it", "en", "fr", "es", "ar", "ur", "sq", "ro", "uk", "zh")


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``ORIENTA_<FIELD>``."""

    topics_file: Path = Field(DEFAULT_TOPICS_FILE, description="The topic map (shared/topics.yml).")
    models_dir: Path = Field(PROJECT_ROOT / "models", description="Where trained Rasa models go.")
    database_url: str = Field(
        f"sqlite:///{PROJECT_ROOT / 'orienta.db'}",
        description="SQLAlchemy URL (SQLite by default).",
    )
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES
    fallback_languages: tuple[str, ...] = Field(
        ("en", "it"), description="Answer languages tried, in order, when a translation is missing."
    )
    default_language: str = Field("it", description="Language used when nothing else is known.")
    max_message_chars: int = Field(1000, description="Longer messages are refused politely.")
    action_server_host: str = "127.0.0.1"
    action_server_port: int = Field(0, description="0 picks a free port at start.")
    log_level: str = "WARNING"

    class Config:
        env_prefix = "ORIENTA_"

        @classmethod
        def parse_env_var(cls, field_name: str, raw_val: str) -> object:
            """Lists are written comma-separated: ``ORIENTA_LANGUAGES=it,en,ar``."""
            if field_name in {"languages", "fallback_languages"}:
                return tuple(v.strip() for v in raw_val.split(",") if v.strip())
            return raw_val

    @validator("default_language")
    def _known_default(cls, value: str, values: dict[str, object]) -> str:  # noqa: N805
        languages = values.get("languages") or SUPPORTED_LANGUAGES
        if value not in languages:  # type: ignore[operator]
            raise ValueError(f"default_language {value!r} is not one of {languages}")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()  # type: ignore[call-arg]  # fields come from the environment
