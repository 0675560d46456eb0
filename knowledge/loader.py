"""Read and validate the knowledge YAML. Every problem names its file and line.

:func:`load` never raises on bad content: it returns what it could read plus the list of
problems, so ``orienta kb check`` can report them all at once and ``orienta kb import`` can
refuse to load anything while a single problem remains.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orienta.paths import PROJECT_ROOT
from orienta.topics import TopicMap

KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
SOURCE_LANGUAGE = "it"
STATUSES = ("reviewed", "machine-assisted")
LEVELS = ("national", "provincial")
LIST_FIELDS = ("steps", "documents", "costs", "deadlines", "trentino")
#: field limits: an answer is read on a phone
MAX_SHORT = 500
MAX_ITEM = 600
MAX_ITEMS = 20
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OFFICE_KINDS = (
    "questura", "cinformi", "commissariato_governo", "poste", "anagrafe", "apss", "hospital",
    "out_of_hours", "emergency_number", "cpi", "itea", "eda", "patronato", "agenzia_entrate",
    "camera_commercio", "social_services", "other",
)  # fmt: skip
_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = (
            self.file.relative_to(PROJECT_ROOT)
            if self.file.is_relative_to(PROJECT_ROOT)
            else self.file
        )
        return f"{where}:{self.line}: {self.message}"


class _Node(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line = 0
    key_lines: dict[Any, int] = {}  # noqa: RUF012 - replaced per instance


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Node:
    seen: set[Any] = set()
    for key_node, _ in node.value:  # YAML keeps the last of two equal keys: say so instead
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping = _Node(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {
        loader.construct_object(k, deep=True): k.start_mark.line + 1 for k, _ in node.value
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def line_of(value: Any, default: int = 1) -> int:
    return getattr(value, "line", default) or default


def key_line(mapping: Any, key: Any, default: int = 1) -> int:
    """The line of ``key`` inside a mapping read from YAML."""
    return getattr(mapping, "key_lines", {}).get(key, line_of(mapping, default))


def answer_revision(answer: dict[str, Any]) -> str:
    """A short hash of an answer's text: it changes whenever the text changes."""
    text = {k: answer.get(k) for k in ("short", *LIST_FIELDS, "confirm")}
    return hashlib.sha256(
        json.dumps(text, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()[:8]


@dataclass
class Knowledge:
    topics: dict[str, dict[str, Any]] = field(default_factory=dict)
    offices: dict[str, dict[str, Any]] = field(default_factory=dict)
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    comuni: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: gaps that do not block a load: answers fall back to another language, and say so
    warnings: list[Problem] = field(default_factory=list)
    #: (topic, language, from_revision, current Italian revision) of translations made from old text
    outdated: list[tuple[str, str, str | None, str]] = field(default_factory=list)

    def coverage(self, languages: Iterable[str]) -> dict[str, list[str]]:
        """For each topic, the languages it has no answer in."""
        return {
            t: [lang for lang in languages if lang not in body["answers"]]
            for t, body in self.topics.items()
        }


def _read(path: Path, problems: list[Problem]) -> Any:
    try:
        body = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.append(
            Problem(path, (mark.line + 1) if mark else 1, f"not valid YAML: {exc.problem}")
        )
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, 1, f"not valid YAML: {exc}"))
    else:
        if body is not None:
            return body
        problems.append(Problem(path, 1, "the file is empty (or truncated)"))
    return None


def _date(value: Any, path: Path, line: int, what: str, problems: list[Problem]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(path, line, f"{what} must be a date YYYY-MM-DD, not {value!r}"))
        return None


def _sources(
    body: dict[str, Any], path: Path, problems: list[Problem], required: bool
) -> list[dict[str, str]]:
    sources = body.get("sources") or []
    if required and not sources:
        problems.append(
            Problem(
                path, line_of(body), "no sources: every answer must say where its facts come from"
            )
        )
    clean = []
    for source in sources:
        line = line_of(source, line_of(body))
        url = str(source.get("url") or "") if isinstance(source, dict) else ""
        if (
            not isinstance(source, dict)
            or not source.get("title")
            or (url and not url.startswith(("http://", "https://")))
        ):
            problems.append(
                Problem(path, line, "a source needs a title (and, if known, an http(s) url)")
            )
            continue
        if source.get("level", "national") not in LEVELS:
            problems.append(Problem(path, line, f"source level must be one of {', '.join(LEVELS)}"))
        clean.append(
            {
                "title": str(source["title"]),
                "url": url,
                "level": str(source.get("level", "national")),
            }
        )
    return clean


def _answer(
    raw: Any, path: Path, topic: str, lang: str, problems: list[Problem]
) -> dict[str, Any] | None:
    line = line_of(raw)
    if not isinstance(raw, dict):
        problems.append(Problem(path, line, f"{topic}: answer '{lang}' must be a mapping"))
        return None
    answer: dict[str, Any] = {
        "status": raw.get("status"),
        "from_revision": str(raw["from_revision"])
        if raw.get("from_revision")
        else None,  # YAML may read digits as int
    }
    if answer["status"] not in STATUSES:
        problems.append(
            Problem(path, line, f"{topic}/{lang}: status must be one of {', '.join(STATUSES)}")
        )
    short = raw.get("short")
    if not isinstance(short, str) or not short.strip():
        problems.append(
            Problem(path, line, f"{topic}/{lang}: 'short' (the short answer) is missing")
        )
    elif len(short) > MAX_SHORT:
        where = key_line(raw, "short", line)
        problems.append(Problem(path, where, f"{topic}/{lang}: 'short' is over {MAX_SHORT}"))
    answer["short"] = str(short or "").strip()
    for name in LIST_FIELDS:
        value = raw.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(
                Problem(path, line, f"{topic}/{lang}: '{name}' must be a list of texts")
            )
            value = []
        elif len(value) > MAX_ITEMS or any(len(v) > MAX_ITEM for v in value):
            problems.append(Problem(
                path, key_line(raw, name, line),
                f"{topic}/{lang}: '{name}' has more than {MAX_ITEMS} items or one over "
                f"{MAX_ITEM} characters",
            ))  # fmt: skip
            value = []
        answer[name] = [v.strip() for v in value]
    confirm = raw.get("confirm")
    if confirm is not None and (not isinstance(confirm, str) or len(confirm) > MAX_ITEM):
        problems.append(Problem(path, key_line(raw, "confirm", line),
                                f"{topic}/{lang}: 'confirm' must be a text of at most "
                                f"{MAX_ITEM} characters"))  # fmt: skip
        confirm = None
    answer["confirm"] = str(confirm).strip() if confirm else None
    answer["revision"] = answer_revision(answer)
    return answer


def _load_topic(path: Path, kb: Knowledge, topic_map: TopicMap, languages: tuple[str, ...]) -> None:
    problems = kb.problems
    body = _read(path, problems)
    if body is None:
        return
    if not isinstance(body, dict):
        problems.append(
            Problem(path, 1, "a topic file must be a mapping with 'topic:' and 'answers:'")
        )
        return
    topic_id = body.get("topic")
    line = line_of(body)
    if topic_id not in topic_map.topics:
        problems.append(
            Problem(path, line, f"unknown topic id {topic_id!r} (not in shared/topics.yml)")
        )
        return
    if not topic_map.topics[topic_id].is_domain:
        problems.append(
            Problem(path, line, f"{topic_id} is a conversation topic: its replies live in locales/")
        )
        return
    if path.stem != topic_id or path.parent.name != topic_map.topics[topic_id].area:
        problems.append(
            Problem(
                path,
                line,
                f"{topic_id} belongs in topics/{topic_map.topics[topic_id].area}/{topic_id}.yml",
            )
        )
    if topic_id in kb.topics:
        problems.append(
            Problem(
                path, line, f"duplicate topic {topic_id!r}: also in {kb.topics[topic_id]['file']}"
            )
        )
        return
    answers_raw = body.get("answers")
    if not isinstance(answers_raw, dict) or SOURCE_LANGUAGE not in answers_raw:
        problems.append(
            Problem(path, line, f"{topic_id}: 'answers' needs at least the Italian source ('it')")
        )
        return
    answers = {}
    for lang, raw in answers_raw.items():
        if lang not in languages:
            problems.append(
                Problem(
                    path,
                    key_line(answers_raw, lang, line),
                    f"{topic_id}: unsupported language {lang!r}",
                )
            )
            continue
        answer = _answer(raw, path, topic_id, lang, problems)
        if answer:
            answers[lang] = answer
    missing = [lang for lang in languages if lang not in answers_raw]
    if missing:
        kb.warnings.append(
            Problem(path, line, f"{topic_id}: missing languages: {', '.join(missing)}")
        )
    source_revision = answers.get(SOURCE_LANGUAGE, {}).get("revision")
    for lang, answer in answers.items():
        if (
            lang != SOURCE_LANGUAGE
            and source_revision
            and answer["from_revision"] != source_revision
        ):
            kb.outdated.append((topic_id, lang, answer["from_revision"], source_revision))
    kb.topics[topic_id] = {
        "id": topic_id,
        "area": topic_map.topics[topic_id].area,
        "last_verified": _date(
            body.get("last_verified"), path, line, f"{topic_id}: last_verified", problems
        ),
        "verified_against": body.get("verified_against"),
        "sources": _sources(body, path, problems, required=True),
        "offices": list(body.get("offices") or []),
        "related": list(body.get("related") or []),
        "answers": answers,
        "file": str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path),
        "line": line,
    }


def _hours(
    raw: Any, path: Path, line: int, office: str, problems: list[Problem]
) -> dict[str, list[str]]:
    hours: dict[str, list[str]] = {}
    if raw in (None, {}):
        return hours
    if not isinstance(raw, dict):
        problems.append(Problem(path, line, f"{office}: hours must map weekdays to time ranges"))
        return hours
    for day, ranges in raw.items():
        where = key_line(raw, day, line)
        if day not in WEEKDAYS:
            problems.append(
                Problem(
                    path, where, f"{office}: unknown weekday {day!r} (use {', '.join(WEEKDAYS)})"
                )
            )
            continue
        ranges = ranges if isinstance(ranges, list) else [ranges]
        previous_end = -1
        for item in ranges:
            match = _RANGE.match(str(item))
            if not match:
                problems.append(
                    Problem(
                        path, where, f"{office}: {day} {item!r} is not a time range HH:MM-HH:MM"
                    )
                )
                continue
            start = int(match[1]) * 60 + int(match[2])
            end = int(match[3]) * 60 + int(match[4])
            if end <= start or end > 24 * 60:
                problems.append(
                    Problem(
                        path,
                        where,
                        f"{office}: {day} {item}: impossible hours (closes before it opens)",
                    )
                )
            elif start < previous_end:
                problems.append(
                    Problem(path, where, f"{office}: {day} {item}: overlaps the previous range")
                )
            previous_end = max(previous_end, end)
        hours[day] = [str(r) for r in ranges]
    return hours


def _load_offices(path: Path, kb: Knowledge, topic_map: TopicMap) -> None:
    problems = kb.problems
    body = _read(path, problems)
    if body is None:
        return
    entries = body.get("offices") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        problems.append(Problem(path, 1, "an office file needs a list 'offices:'"))
        return
    for raw in entries:
        line = line_of(raw)
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
            problems.append(Problem(path, line, "an office needs at least 'id' and 'name'"))
            continue
        office_id = str(raw["id"])
        if office_id in kb.offices:
            problems.append(
                Problem(
                    path,
                    line,
                    f"duplicate office id {office_id!r}: also in {kb.offices[office_id]['file']}",
                )
            )
            continue
        if raw.get("kind") not in OFFICE_KINDS:
            problems.append(Problem(path, line, f"{office_id}: unknown kind {raw.get('kind')!r}"))
        unknown = [t for t in raw.get("topics") or [] if t not in topic_map.topics]
        if unknown:
            problems.append(
                Problem(
                    path, line, f"{office_id}: unknown topic ids {', '.join(map(str, unknown))}"
                )
            )
        lat, lon = raw.get("lat"), raw.get("lon")
        in_range = (
            lat is None or lon is None or (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180)
        )
        if (lat is None) != (lon is None) or not in_range:
            problems.append(
                Problem(path, line, f"{office_id}: coordinates need both lat and lon, in range")
            )
        exceptions = []
        for exc in raw.get("exceptions") or []:
            day = _date(
                (exc or {}).get("date"),
                path,
                line_of(exc, line),
                f"{office_id}: exception date",
                problems,
            )
            if day:
                ranges = _hours(
                    {"mon": (exc or {}).get("hours") or []},
                    path,
                    line_of(exc, line),
                    office_id,
                    problems,
                )
                exceptions.append({"date": day.isoformat(), "hours": ranges.get("mon", [])})
        kb.offices[office_id] = {
            "id": office_id,
            "name": str(raw["name"]),
            "kind": raw.get("kind"),
            "topics": [t for t in raw.get("topics") or [] if t in topic_map.topics],
            "municipality": raw.get("municipality"),
            "address": raw.get("address"),
            "lat": lat,
            "lon": lon,
            "phone": str(raw["phone"]) if raw.get("phone") else None,
            "email": raw.get("email"),
            "website": raw.get("website"),
            "hours": _hours(raw.get("hours"), path, line, office_id, problems),
            "exceptions": exceptions,
            "always_open": bool(raw.get("always_open", False)),
            "languages": list(raw.get("languages") or []),
            "notes": dict(raw.get("notes") or {}),
            "sources": _sources(raw, path, problems, required=False),
            "last_verified": _date(
                raw.get("last_verified"), path, line, f"{office_id}: last_verified", problems
            ),
            "confirm": list(raw.get("confirm") or []),
            "file": str(
                path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
            ),
            "line": line,
        }


def _load_comuni(path: Path, kb: Knowledge) -> None:
    body = _read(path, kb.problems)
    if body is None:
        return
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("areas"), dict)
        or not isinstance(body.get("comuni"), list)
    ):
        kb.problems.append(
            Problem(path, 1, "comuni.yml needs 'areas:' (a mapping) and 'comuni:' (a list)")
        )
        return
    for area_id, area in body["areas"].items():
        kb.areas[str(area_id)] = {
            "id": str(area_id),
            "name": str(area.get("name", area_id)),
            "cinformi": area.get("cinformi"),
        }
    for raw in body["comuni"]:
        line = line_of(raw)
        name = str(raw.get("name", "")) if isinstance(raw, dict) else ""
        if not name:
            kb.problems.append(Problem(path, line, "a comune needs a name"))
            continue
        if name.casefold() in kb.comuni:
            kb.problems.append(Problem(path, line, f"duplicate comune {name!r}"))
            continue
        if raw.get("area") not in kb.areas:
            kb.problems.append(Problem(path, line, f"{name}: unknown area {raw.get('area')!r}"))
            continue
        kb.comuni[name.casefold()] = {
            "name": name,
            "area_id": raw["area"],
            "lat": raw.get("lat"),
            "lon": raw.get("lon"),
        }


def load(root: Path, topic_map: TopicMap, languages: tuple[str, ...]) -> Knowledge:
    """Read everything below ``root`` and check it, including references between files."""
    kb = Knowledge()
    comuni = root / "comuni.yml"
    if comuni.exists():
        _load_comuni(comuni, kb)
    else:
        kb.problems.append(Problem(comuni, 1, "missing: every comune of Trentino and its area"))
    for path in sorted((root / "offices").glob("*.yml")):
        _load_offices(path, kb, topic_map)
    for path in sorted((root / "topics").rglob("*.yml")):
        _load_topic(path, kb, topic_map, languages)
    for topic in kb.topics.values():
        path = (
            Path(topic["file"])
            if Path(topic["file"]).is_absolute()
            else PROJECT_ROOT / topic["file"]
        )
        for office in topic["offices"]:
            if office not in kb.offices:
                kb.problems.append(
                    Problem(
                        path,
                        topic["line"],
                        f"{topic['id']}: office {office!r} is not in the directory",
                    )
                )
        for related in topic["related"]:
            if related not in topic_map.topics:
                kb.problems.append(
                    Problem(
                        path, topic["line"], f"{topic['id']}: related topic {related!r} is unknown"
                    )
                )
    for office in kb.offices.values():
        municipality = office["municipality"]
        if municipality and kb.comuni and str(municipality).casefold() not in kb.comuni:
            path = PROJECT_ROOT / office["file"]
            kb.problems.append(
                Problem(
                    path,
                    office["line"],
                    f"{office['id']}: municipality {municipality!r} is not in comuni.yml",
                )
            )
    for topic_id in topic_map.domain_ids:
        if topic_id not in kb.topics:
            path = root / "topics" / topic_map.topics[topic_id].area / f"{topic_id}.yml"
            kb.warnings.append(Problem(path, 1, f"missing answer for topic {topic_id}"))
    return kb
