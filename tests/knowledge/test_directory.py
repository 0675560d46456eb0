"""Open now / next opening in Europe/Rome, towns named in messages, nearest office."""

import datetime as dt
from pathlib import Path

import pytest

from knowledge.directory import (
    ROME,
    choose,
    distance_km,
    is_open,
    kind_in_text,
    next_opening,
    place_in_text,
)
from knowledge.loader import load
from knowledge.models import Comune, Office
from orienta.topics import TopicMap

from .conftest import LANGUAGES


@pytest.fixture
def questura(kb_dir: Path, mini_map: TopicMap) -> Office:
    raw = load(kb_dir, mini_map, LANGUAGES).offices["questura-trento"]
    return Office(**{k: v for k, v in raw.items() if k != "line"})


def rome(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ROME)


def test_open_during_hours_closed_at_the_boundary(questura: Office) -> None:
    assert is_open(questura, rome(2026, 11, 26, 10, 0))  # Thursday morning
    assert not is_open(questura, rome(2026, 11, 26, 12, 30))  # closes at 12:30
    assert is_open(questura, rome(2026, 11, 26, 15, 15))  # Thursday afternoon
    assert not is_open(questura, rome(2026, 11, 24, 15, 15))  # Tuesday: no hours in the fixture


def test_summer_time_is_rome_time(questura: Office) -> None:
    summer_utc = dt.datetime(2026, 7, 2, 7, 0, tzinfo=dt.UTC)  # 09:00 in Rome (CEST), a Thursday
    assert is_open(questura, summer_utc)


def test_next_opening_skips_closed_days_and_exceptions(questura: Office) -> None:
    assert next_opening(questura, rome(2026, 11, 26, 13, 0)) == rome(2026, 11, 26, 15, 15)
    # 25 December 2026 has an exception (closed); Mondays open at 08:30
    assert next_opening(questura, rome(2026, 12, 24, 18, 0)) == rome(2026, 12, 28, 8, 30)


def comuni() -> list[Comune]:
    return [
        Comune(name="Trento", area_id="val-d-adige", lat=46.07, lon=11.12),
        Comune(name="Riva del Garda", area_id="alto-garda", lat=45.89, lon=10.84),
        Comune(name="Arco", area_id="alto-garda", lat=45.92, lon=10.89),
        Comune(name="Lavis", area_id="rotaliana", lat=46.14, lon=11.11),
    ]


def test_towns_are_found_by_whole_name() -> None:
    found = place_in_text("dov'è la questura a RIVA DEL GARDA?", comuni())
    assert found and found.name == "Riva del Garda"
    assert place_in_text("sono di San Marco", comuni()) is None  # 'Arco' inside 'Marco' is not Arco


def test_office_kinds_in_many_languages() -> None:
    assert kind_in_text("Dov'è la Questura?") == "questura"
    assert kind_in_text("اين الكويستورا") == "questura"
    assert kind_in_text("移民局在哪里") == "questura"
    assert kind_in_text("where is the post office") == "poste"


def test_a_town_is_served_by_the_cinformi_desk_of_its_area() -> None:
    trento = Office(id="cinformi-trento", municipality="Trento")
    rovereto = Office(id="cinformi-rovereto", municipality="Rovereto")
    by_name = {c.name.casefold(): c for c in comuni()}
    arco = place_in_text("cinformi arco", comuni())
    assert choose(
        [trento, rovereto], arco, by_name, area_desks={"alto-garda": "cinformi-rovereto"}
    ) == [rovereto]


def test_nearest_office_to_a_town_without_one(questura: Office) -> None:
    by_name = {c.name.casefold(): c for c in comuni()}
    lavis = place_in_text("questura lavis", comuni())
    assert choose([questura], lavis, by_name) == [questura]
    assert 7 < distance_km(46.14, 11.11, 46.07, 11.12) < 9
