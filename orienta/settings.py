"""One typed settings object, read from ``ORIENTA_*`` environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseSettings, Field, SecretStr, validator

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
    tracker_store_url: str | None = Field(
        None,
        description="Where Rasa keeps conversations (SQLTrackerStore): an SQLAlchemy URL; "
        "by default the main database. 'memory' keeps them in memory only.",
    )
    conversation_retention_days: int = Field(
        30, description="Conversations idle this long are deleted at start."
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
    pseudonym_key: SecretStr | None = Field(
        None,
        description="Key of the keyed hash (HMAC) that pseudonymises user ids; generated into "
        "secret_file on first run when unset.",
    )
    secret_file: Path = Field(
        PROJECT_ROOT / ".orienta-secret", description="Where a generated pseudonym key is kept."
    )

    # --- orienta run: the web chat and staff page -------------------------------------------
    web_host: str = Field("127.0.0.1", description="Where `orienta run` serves the web chat.")
    web_port: int = Field(8080, description="Port of the web chat, staff page and webhooks.")

    # --- Telegram (python-telegram-bot) -------------------------------------------------------
    telegram_token: SecretStr | None = Field(None, description="BotFather token: enables Telegram.")
    telegram_webhook_url: str | None = Field(
        None, description="Public https URL of /telegram/webhook: webhook mode instead of polling."
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="Checked against X-Telegram-Bot-Api-Secret-Token (random if unset)."
    )
    telegram_api_url: str | None = Field(
        None, description="Bot API base address (a local Bot API server, or tests)."
    )

    # --- WhatsApp Cloud API -------------------------------------------------------------------
    whatsapp_verify_token: SecretStr | None = Field(None, description="Webhook handshake token.")
    whatsapp_app_secret: SecretStr | None = Field(None, description="Checks X-Hub-Signature-256.")
    whatsapp_access_token: SecretStr | None = Field(None, description="Graph API access token.")
    whatsapp_phone_number_id: str | None = Field(None, description="The sending number's id.")
    whatsapp_api_url: str = Field("https://graph.facebook.com", description="Graph API base.")
    whatsapp_api_version: str = "v21.0"

    # --- Rate limits (the `limits` library's notation) ----------------------------------------
    rate_limit_messages: str = Field("30/minute", description="Messages per conversation.")
    rate_limit_handoffs: str = Field("3/hour", description="Handoffs opened per conversation.")
    rate_limit_address: str = Field("120/minute", description="Web chat messages per address.")
    rate_limit_polls: str = Field(
        "600/minute", description="Web chat polls per address (a tab polls 20 times a minute)."
    )
    rate_limit_storage: str = Field(
        "memory://", description="Where counts live: memory://, or redis://host:port/db."
    )

    # --- Handoff to a person ------------------------------------------------------------------
    staff_chat_id: int | None = Field(None, description="Telegram group where staff answer.")
    staff_token: SecretStr | None = Field(
        None, description="Password of the staff web page (without it: only from this computer)."
    )
    staff_language: str = Field("it", description="Language of the staff page and notices.")
    handoff_office: str = Field(
        "cinformi-trento", description="Office whose opening hours tell users when staff answer."
    )
    handoff_timeout_minutes: int = Field(
        240, description="Automatic replies resume after this long without staff activity."
    )
    handoff_retention_days: int = Field(
        30, description="Closed handoffs (transcripts) are deleted after this many days."
    )

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(
            self.whatsapp_app_secret
            and self.whatsapp_access_token
            and self.whatsapp_phone_number_id
            and self.whatsapp_verify_token
        )

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


def secret(value: SecretStr | str | None) -> str:
    """The secret's value ('' when unset): only where it is used, never in a log."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value or ""


@lru_cache(maxsize=1)
def pseudonym_key() -> bytes:
    """The key of user pseudonyms: the setting, else the one generated on first run (kept in
    ``secret_file``, readable by this user only)."""
    settings = get_settings()
    if settings.pseudonym_key is not None:
        return secret(settings.pseudonym_key).encode()
    path = settings.secret_file
    try:
        return path.read_text(encoding="ascii").strip().encode()
    except FileNotFoundError:
        pass
    import secrets as random

    path.parent.mkdir(parents=True, exist_ok=True)
    key = random.token_urlsafe(32)
    try:  # exclusive: two processes starting together end up with the same key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip().encode()
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key.encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()  # type: ignore[call-arg]  # fields come from the environment
