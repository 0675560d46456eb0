"""Office cards and answers are formatted for the user's locale and script."""

import datetime as dt
from pathlib import Path

import pytest

from actions.render import LRI, PDI, RLM, office_card
from knowledge.directory import ROME
from knowledge.loader import load
from knowledge.models import Office
from orienta.i18n import get_translator
from orienta.settings import get_settings
from orienta.topics import load_topic_map

THURSDAY_10 = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ROME)
CHRISTMAS = dt.datetime(2026, 12, 25, 10, 0, tzinfo=ROME)


@pytest.fixture
def questura(data_dir: Path) -> Office:
    raw = load(data_dir / "knowledge", load_topic_map(), get_settings().languages).offices[
        "questura-trento"
    ]
    return Office(**{k: v for k, v in raw.items() if k != "line"})


def test_today_hours_in_24_hour_italian(questura: Office) -> None:
    card = office_card(get_translator("it"), questura, "it", THURSDAY_10)
    assert "Oggi, giovedì: 08:30–12:30, 15:15–17:45" in card
    assert get_translator("it")("office.open_now") in card
    assert "Indirizzo: Viale Verona 187" in card


def test_today_hours_in_12_hour_english(questura: Office) -> None:
    card = office_card(get_translator("en"), questura, "en", THURSDAY_10)
    today = next(line for line in card.splitlines() if line.startswith("Today, Thursday: "))
    assert today.replace("\u202f", " ") == "Today, Thursday: 8:30 AM–12:30 PM, 3:15 PM–5:45 PM"


def test_exception_day_is_closed_with_the_next_opening(questura: Office) -> None:
    card = office_card(get_translator("it"), questura, "it", CHRISTMAS)
    assert "Oggi è chiuso (venerdì)." in card
    assert "Prossima apertura: lunedì 28 dicembre 2026 alle 08:30." in card


def test_arabic_card_reads_right_to_left_with_latin_names_isolated(questura: Office) -> None:
    card = office_card(get_translator("ar"), questura, "ar", THURSDAY_10)
    assert all(line.startswith(RLM) for line in card.splitlines() if line)
    assert f"{LRI}Viale Verona 187{PDI}" in card
    assert "الخميس" in card  # Thursday, in Arabic
