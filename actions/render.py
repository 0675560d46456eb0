"""Lay out answers and office cards for a phone, in the user's locale (Babel)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from babel.dates import format_date, format_time
from babel.lists import format_list

from knowledge.directory import ROME, is_open, next_opening, ranges_on
from knowledge.models import Answer, Office, Topic
from orienta.dialogue import first_reply_limit
from orienta.i18n import Translator, is_rtl

LRI, PDI, RLM = "\u2066", "\u2069", "\u200f"


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


def source_site(source: dict[str, str]) -> str:
    """'https://www.cinformi.it/…' → 'cinformi.it'; a source without an address keeps its title."""
    host = urlsplit(source.get("url") or "").hostname
    return host.removeprefix("www.").removeprefix("www2.") if host else source["title"]


def sources_line(t: Translator, topic: Topic, language: str, most: int | None = None) -> str:
    """Sources as their sites and the checked-on date, on one short line (full titles stay in
    knowledge/ for staff). With ``most``, the first sites and how many more ("+3")."""
    sites = [ltr(site, language) for site in dict.fromkeys(source_site(s) for s in topic.sources)]
    if most is not None and len(sites) > most:
        sites = [*sites[:most], f"+{len(sites) - most}"]
    checked = t("answer.verified", date=format_date(topic.last_verified, "long", locale=language))
    return f"{t('answer.sources')} {' · '.join(sites)}. {checked}"


#: sources named in a first reply that would not fit with all of them
FIRST_REPLY_SOURCES = 2


def first_reply(t: Translator, topic: Topic, answer: Answer, language: str) -> str:
    """What fits one phone screen (orienta.dialogue.first_reply_limit): the short answer, the
    first step, the sources line. Too long, the sources are counted after the first two, then
    the step waits for the "What to do" button."""
    limit = first_reply_limit(language)
    step = [f"👉 {t('answer.next_step')} {answer.steps[0]}"] if answer.steps else []
    text = ""
    for steps, most in ((step, None), (step, FIRST_REPLY_SOURCES), ([], FIRST_REPLY_SOURCES)):
        lines = [answer.short, *(["", *steps] if steps else [])]
        text = _lines(language, [*lines, "", sources_line(t, topic, language, most)])
        if len(text) <= limit:
            break
    return text


def part_text(t: Translator, topic: Topic, answer: Answer, part: str, language: str) -> str:
    """One part of an answer (what to do, bring, pay, and by when), with what to check and
    the sources; the Trentino specifics come with the steps."""
    items: list[str] = list(getattr(answer, part) or [])
    lines = _section(t, f"answer.{part}", items, numbered=part == "steps")[1:]
    if part == "steps":
        lines += _section(t, "answer.trentino", list(answer.trentino or []))
    if answer.confirm and part in {"steps", "costs", "deadlines"}:
        lines += ["", f"⚠️ {t('answer.confirm')} {answer.confirm}"]
    lines += ["", sources_line(t, topic, language)]
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
