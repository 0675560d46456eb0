from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.core import conversation_id
from orienta.settings import Settings, get_settings, pseudonym_key, secret


def test_settings_read_orienta_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORIENTA_LANGUAGES", "it, en ,ar")
    monkeypatch.setenv("ORIENTA_MAX_MESSAGE_CHARS", "500")
    settings = Settings()
    assert settings.languages == ("it", "en", "ar")
    assert settings.max_message_chars == 500


def test_default_language_must_be_supported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORIENTA_LANGUAGES", "it,en")
    monkeypatch.setenv("ORIENTA_DEFAULT_LANGUAGE", "de")
    with pytest.raises(ValidationError, match="default_language"):
        Settings()


def test_secrets_never_show_in_a_printout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORIENTA_TELEGRAM_TOKEN", "123456:VERY-SECRET")
    monkeypatch.setenv("ORIENTA_STAFF_TOKEN", "staff-secret")
    settings = Settings()
    assert "VERY-SECRET" not in repr(settings) and "staff-secret" not in str(settings.dict())
    assert secret(settings.telegram_token) == "123456:VERY-SECRET"


def test_the_pseudonym_key_is_generated_once_and_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_file = tmp_path / "secret"
    monkeypatch.setenv("ORIENTA_SECRET_FILE", str(key_file))
    monkeypatch.delenv("ORIENTA_PSEUDONYM_KEY", raising=False)
    get_settings.cache_clear()
    pseudonym_key.cache_clear()
    try:
        first = pseudonym_key()
        assert len(first) >= 32 and key_file.stat().st_mode & 0o777 == 0o600
        pseudonym_key.cache_clear()
        assert pseudonym_key() == first  # the next start reads the same key
        alice = conversation_id("whatsapp", "393401234567")
        key_file.write_text("another-key\n")
        pseudonym_key.cache_clear()
        assert conversation_id("whatsapp", "393401234567") != alice  # it depends on the key
        assert "393401234567" not in alice
    finally:
        get_settings.cache_clear()
        pseudonym_key.cache_clear()
