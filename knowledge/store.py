"""Moving the knowledge between YAML files and the database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from knowledge.loader import SOURCE_LANGUAGE, Knowledge
from knowledge.models import Answer, Area, Comune, Office, Topic


class ImportRefusedError(ValueError):
    """The YAML has problems: nothing was loaded."""


def import_knowledge(session: Session, kb: Knowledge) -> dict[str, int]:
    """Replace the database content with ``kb``, inside the caller's transaction."""
    if kb.problems:
        raise ImportRefusedError(
            f"{len(kb.problems)} problems; run `orienta kb check`. Nothing was loaded."
        )
    for model in (Answer, Topic, Office, Comune, Area):
        session.execute(delete(model))
    session.add_all(Area(**area) for area in kb.areas.values())
    session.add_all(Comune(**comune) for comune in kb.comuni.values())
    for office in kb.offices.values():
        session.add(Office(**{k: v for k, v in office.items() if k != "line"}))
    for topic in kb.topics.values():
        row = Topic(**{k: v for k, v in topic.items() if k not in ("answers", "line")})
        row.answers = [Answer(language=lang, **answer) for lang, answer in topic["answers"].items()]
        session.add(row)
    session.flush()
    return stats(session)


def stats(session: Session) -> dict[str, Any]:
    def count(model: Any) -> int:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())

    per_language = dict(
        session.execute(select(Answer.language, func.count()).group_by(Answer.language)).all()
    )
    per_status = dict(
        session.execute(select(Answer.status, func.count()).group_by(Answer.status)).all()
    )
    per_kind = dict(session.execute(select(Office.kind, func.count()).group_by(Office.kind)).all())
    return {
        "topics": count(Topic),
        "answers": count(Answer),
        "offices": count(Office),
        "comuni": count(Comune),
        "areas": count(Area),
        "answers_per_language": dict(sorted(per_language.items())),
        "answers_per_status": dict(sorted(per_status.items())),
        "offices_per_kind": dict(sorted(per_kind.items())),
    }


def _clean(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def export_knowledge(session: Session, root: Path) -> list[Path]:
    """Write the database back to YAML files in the same layout as ``knowledge/``."""
    written = []

    def dump(path: Path, data: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.safe_dump(_clean(data), allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )
        written.append(path)

    for topic in session.execute(select(Topic).order_by(Topic.id)).scalars():
        answers = sorted(topic.answers, key=lambda a: (a.language != SOURCE_LANGUAGE, a.language))
        data = {
            "topic": topic.id,
            "last_verified": topic.last_verified,
            "verified_against": topic.verified_against,
            "sources": topic.sources,
            "offices": topic.offices,
            "related": topic.related,
            "answers": {
                a.language: {
                    "status": a.status,
                    "from_revision": a.from_revision,
                    "short": a.short,
                    "steps": a.steps,
                    "documents": a.documents,
                    "costs": a.costs,
                    "deadlines": a.deadlines,
                    "trentino": a.trentino,
                    "confirm": a.confirm,
                }
                for a in answers
            },
        }
        dump(root / "topics" / topic.area / f"{topic.id}.yml", data)
    by_file: dict[str, list[dict[str, Any]]] = {}
    columns = [c.name for c in Office.__table__.columns if c.name != "file"]
    for office in session.execute(select(Office).order_by(Office.id)).scalars():
        name = Path(office.file).name if office.file else f"{office.kind}.yml"
        by_file.setdefault(name, []).append({c: getattr(office, c) for c in columns})
    for name, offices in by_file.items():
        dump(root / "offices" / name, {"offices": offices})
    areas = {
        a.id: {"name": a.name, "cinformi": a.cinformi}
        for a in session.execute(select(Area)).scalars()
    }
    comuni = [
        {"name": c.name, "area": c.area_id, "lat": c.lat, "lon": c.lon}
        for c in session.execute(select(Comune).order_by(Comune.name)).scalars()
    ]
    dump(root / "comuni.yml", {"areas": areas, "comuni": comuni})
    return written
