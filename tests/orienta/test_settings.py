import pytest
from pydantic import ValidationError

from orienta.settings import Settings


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
