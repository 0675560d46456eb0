"""Lay out answers and office cards for a phone, in the user's locale (Babel)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list

from knowledge.directory import ROME, is_open, next_opening, ranges_on
from knowledge.models import Answer, Office, Topic
from orienta.i18n import Translator

LRI, PDI, RLM = "\u2066", "\u2069", "\u200f"


def is_rtl(language: str) -> bool:
    try:
        return Locale.parse(language).character_order == "right-to-left"
    except (ValueError, TypeError):
        return False


def ltr(text: str, language: str) -> str:
    """Isolate a Latin-script run (a name, address, phone, URL) inside right-to-left text."""
    return f"{LRI}{text}{PDI}" if is_rtl(language) else text


def _lines(language: str, lines: list[str]) -> str:
    if is_rtl(language):  # each line starts right-to-left, even when it begins with a Latin name
        lines = [f"{RLM}{line}" if line else line for line in lines]
    return "\n".join(lines)


def _section(t: Translator, key: str, items: list[str], numbered: bool = False) -> list[str]:
    if not items:
        return []
    marks = [f"{i}." for i in range(1, len(items) + 1)] if numbered else ["•"] * len(items)
    return ["", t(key), *(f"{m} {item}" for m, item in zip(marks, items, strict=True))]


def documents_text(t: Translator, answer: Answer, language: str) -> str:
    """Only what to bring (the "What documents?" button)."""
    return _lines(language, [answer.short, *_section(t, "answer.documents", answer.documents)])


def source_site(source: dict[str, str]) -> str:
    """'https://www.cinformi.it/…' → 'cinformi.it'; a source without an address keeps its title."""
    host = urlsplit(source.get("url") or "").hostname
    return host.removeprefix("www.").removeprefix("www2.") if host else source["title"]


def answer_text(t: Translator, topic: Topic, answer: Answer, language: str) -> str:
    """Short answer first; then steps, documents, costs, deadlines, Trentino; checks; sources."""
    lines = [answer.short]
    lines += _section(t, "answer.steps", answer.steps, numbered=True)
    lines += _section(t, "answer.documents", answer.documents)
    lines += _section(t, "answer.costs", answer.costs)
    lines += _section(t, "answer.deadlines", answer.deadlines)
    lines += _section(t, "answer.trentino", answer.trentino)
    if answer.confirm:
        lines += ["", f"⚠️ {t('answer.confirm')} {answer.confirm}"]
    # Sources as their sites, on one line: the full titles and pages stay in knowledge/ for staff.
    sites = list(dict.fromkeys(source_site(s) for s in topic.sources))
    lines += ["", f"{t('answer.sources')} {' · '.join(ltr(site, language) for site in sites)}"]
    lines.append(
        t("answer.verified", date=format_date(topic.last_verified, "long", locale=language))
    )
    return _lines(language, lines)


def _time(value: dt.time | dt.datetime, language: str) -> str:
    return format_time(value, "short", locale=language)


def office_card(t: Translator, office: Office, language: str, now: dt.datetime) -> str:
    """Name, address, phone, today's hours or the next opening, and what to confirm."""
    local = now.astimezone(ROME)
    lines = [f"🏢 {ltr(office.name, language)}"]
    if office.municipality:
        lines[0] += f" — {ltr(office.municipality, language)}"
    if office.address:
        lines.append(t("office.address", address=ltr(office.address, language)))
    if office.phone:
        lines.append(t("office.phone", phone=ltr(office.phone, language)))
    weekday = format_date(local.date(), "EEEE", locale=language)
    if office.always_open:
        lines.append(t("office.always_open"))
    elif office.hours or office.exceptions:
        today = ranges_on(office, local.date())
        if today:
            hours = ", ".join(f"{_time(a, language)}–{_time(b, language)}" for a, b in today)
            lines.append(t("office.hours_today", weekday=weekday, hours=hours))
        else:
            lines.append(t("office.closed_today", weekday=weekday))
        if is_open(office, now):
            lines.append(t("office.open_now"))
        else:
            opening = next_opening(office, now)
            if opening:
                day = format_date(opening.date(), "full", locale=language)
                lines.append(t("office.next_opening", day=day, time=_time(opening, language)))
    else:
        lines.append(t("office.hours_unknown"))
    if office.website:
        lines.append(ltr(office.website, language))
    note = (office.notes or {}).get(language)
    if note:  # notes exist only in some languages: never mix languages in a card
        lines.append(note)
    fields = [f for f in office.confirm or [] if t.has(f"office.field.{f}")]
    if fields:
        names = format_list([t(f"office.field.{f}") for f in fields], locale=language)
        lines.append("⚠️ " + t("office.confirm", fields=names))
    return _lines(language, lines)


def office_data(office: Office) -> dict[str, object]:
    """What a channel needs to draw an office card (the text is the card's body)."""
    return {
        "id": office.id,
        "name": office.name,
        "lat": office.lat,
        "lon": office.lon,
        "website": office.website,
    }


def where_to_go(t: Translator, cards: list[str], language: str) -> list[str]:
    """Office cards as messages, the first under a 'Where to go:' heading."""
    if not cards:
        return []
    heading = f"{RLM}{t('answer.where')}" if is_rtl(language) else t("answer.where")
    return [f"{heading}\n{cards[0]}", *cards[1:]]
