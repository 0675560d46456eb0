"""Office directory queries: by kind, topic and place; nearest office; open now, in Europe/Rome."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from knowledge.loader import WEEKDAYS
from knowledge.models import Comune, Office
from knowledge.words import contains, lexicon
from orienta.text import normalize

ROME = ZoneInfo("Europe/Rome")


@dataclass(frozen=True)
class Place:
    name: str
    area_id: str
    lat: float | None
    lon: float | None


def ranges_on(office: Office, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """Opening ranges on ``day``; an exception for that date replaces the weekly hours."""
    for exception in office.exceptions or []:
        if exception["date"] == day.isoformat():
            texts = exception["hours"]
            break
    else:
        texts = (office.hours or {}).get(WEEKDAYS[day.weekday()], [])
    ranges = []
    for text in texts:
        start, end = text.split("-")
        end_time = dt.time(23, 59, 59) if end == "24:00" else dt.time.fromisoformat(end)
        ranges.append((dt.time.fromisoformat(start), end_time))
    return ranges


def is_open(office: Office, now: dt.datetime) -> bool:
    if office.always_open:
        return True
    local = now.astimezone(ROME)
    return any(start <= local.time() < end for start, end in ranges_on(office, local.date()))


def next_opening(office: Office, now: dt.datetime, days: int = 14) -> dt.datetime | None:
    """When the office next opens after ``now`` (None when it has no known hours)."""
    local = now.astimezone(ROME)
    for offset in range(days + 1):
        day = local.date() + dt.timedelta(days=offset)
        for start, _ in ranges_on(office, day):
            opening = dt.datetime.combine(day, start, tzinfo=ROME)
            if opening > local:
                return opening
    return None


def reopens(office: Office | None, now: dt.datetime) -> dt.datetime | None:
    """When a closed office opens again; None when it is open now or its hours are unknown."""
    if office is None or not (office.hours or office.always_open) or is_open(office, now):
        return None
    return next_opening(office, now)


def valid_point(latitude: float, longitude: float) -> bool:
    """A place on Earth: finite, latitude within ±90, longitude within ±180."""
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def kind_in_text(text: str) -> str | None:
    """The kind of office a message names (knowledge/office_names.yml)."""
    return lexicon("office_names.yml").find(text)


def place_in_text(text: str, comuni: list[Comune]) -> Place | None:
    """The comune named in the message (the longest name wins: 'Riva del Garda' over 'Riva')."""
    norm = normalize(text)
    for comune in sorted(comuni, key=lambda c: -len(c.name)):
        if contains(norm, normalize(comune.name)):
            return Place(comune.name, comune.area_id, comune.lat, comune.lon)
    return None


def office_point(office: Office, comuni: dict[str, Comune]) -> tuple[float, float] | None:
    if office.lat is not None and office.lon is not None:
        return float(office.lat), float(office.lon)
    comune = comuni.get(str(office.municipality or "").casefold())
    if comune and comune.lat is not None and comune.lon is not None:
        return float(comune.lat), float(comune.lon)
    return None


def nearest(
    offices: list[Office], lat: float, lon: float, comuni: dict[str, Comune], limit: int = 3
) -> list[tuple[Office, float]]:
    """Offices with a known position, nearest first, with their distance in km."""
    located = []
    for office in offices:
        point = office_point(office, comuni)
        if point:
            located.append((office, distance_km(lat, lon, *point)))
    return sorted(located, key=lambda pair: pair[1])[:limit]


def choose(
    offices: list[Office],
    place: Place | None,
    comuni: dict[str, Comune],
    limit: int = 2,
    area_desks: dict[str, str] | None = None,
) -> list[Office]:
    """The offices to show for a place: in that comune, else the desk of its area (Cinformi),
    else the nearest; with no place, the main ones (Trento)."""
    if not offices:
        return []
    desk = (area_desks or {}).get(place.area_id) if place else None
    if (
        place
        and desk
        and not any((o.municipality or "").casefold() == place.name.casefold() for o in offices)
    ):
        serving = [o for o in offices if o.id == desk]
        if serving:
            return serving
    if place is None:
        trento = [o for o in offices if (o.municipality or "").casefold() == "trento"]
        return (trento or offices)[:limit]
    here = [o for o in offices if (o.municipality or "").casefold() == place.name.casefold()]
    if here:
        return here[:limit]
    if place.lat is not None and place.lon is not None:
        return [o for o, _ in nearest(offices, place.lat, place.lon, comuni, limit)]
    return offices[:limit]
