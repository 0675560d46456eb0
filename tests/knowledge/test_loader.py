"""The loader accepts good knowledge and names the file and line of every problem."""

from pathlib import Path

from knowledge.loader import answer_revision, load
from orienta.topics import TopicMap

from .conftest import LANGUAGES


def problems(root: Path, mini_map: TopicMap) -> list[str]:
    kb = load(root, mini_map, LANGUAGES)
    return [str(p) for p in kb.problems] + [f"{w} (warning)" for w in kb.warnings]


def test_good_knowledge_loads_without_problems(kb_dir: Path, mini_map: TopicMap) -> None:
    kb = load(kb_dir, mini_map, LANGUAGES)
    assert kb.problems == []
    assert set(kb.topics) == {"permit_renewal", "cinformi"}
    assert kb.offices["questura-trento"]["hours"]["thu"] == ["08:30-12:30", "15:15-17:45"]
    assert kb.comuni["lavis"]["area_id"] == "rotaliana"


def test_malformed_yaml_names_file_and_line(kb_dir: Path, mini_map: TopicMap) -> None:
    path = kb_dir / "topics/documents/permit_renewal.yml"
    path.write_text(path.read_text().replace("    short: Renew", "    short: [Renew"))
    found = problems(kb_dir, mini_map)
    assert any("permit_renewal.yml:" in p and "not valid YAML" in p for p in found), found


def test_unknown_topic_and_missing_language(kb_dir: Path, mini_map: TopicMap) -> None:
    path = kb_dir / "topics/documents/permit_renewal.yml"
    path.write_text(path.read_text().replace("topic: permit_renewal", "topic: permit_renewl"))
    cinformi = kb_dir / "topics/reception/cinformi.yml"
    cinformi.write_text(cinformi.read_text().split("  en:")[0])
    found = problems(kb_dir, mini_map)
    assert any("permit_renewal.yml:1: unknown topic id 'permit_renewl'" in p for p in found), found
    assert any("cinformi.yml:1: cinformi: missing languages: en (warning)" in p for p in found), (
        found
    )
    assert any("missing answer for topic permit_renewal (warning)" in p for p in found), found


def test_reference_to_an_office_that_does_not_exist(kb_dir: Path, mini_map: TopicMap) -> None:
    path = kb_dir / "topics/documents/permit_renewal.yml"
    path.write_text(path.read_text().replace("[questura-trento]", "[questura-nowhere]"))
    assert any(
        "office 'questura-nowhere' is not in the directory" in p for p in problems(kb_dir, mini_map)
    )


def test_impossible_and_overlapping_hours(kb_dir: Path, mini_map: TopicMap) -> None:
    path = kb_dir / "offices/questura.yml"
    text = path.read_text().replace('mon: ["08:30-12:30"]', 'mon: ["12:30-08:30"]')
    path.write_text(text.replace('"15:15-17:45"', '"12:00-17:45"'))
    found = problems(kb_dir, mini_map)
    assert any(
        "questura.yml:9: questura-trento: mon 12:30-08:30: impossible hours" in p for p in found
    ), found
    assert any("questura.yml:10: questura-trento: thu 12:00-17:45: overlaps" in p for p in found), (
        found
    )


def test_duplicate_ids_are_reported_with_both_places(kb_dir: Path, mini_map: TopicMap) -> None:
    path = kb_dir / "offices/questura.yml"
    (kb_dir / "offices/copy.yml").write_text(path.read_text())
    found = problems(kb_dir, mini_map)
    assert any("duplicate office id 'questura-trento': also in" in p for p in found), found


def test_sources_are_required(kb_dir: Path, mini_map: TopicMap) -> None:
    path = kb_dir / "topics/documents/permit_renewal.yml"
    path.write_text(
        path.read_text()
        .replace(
            '  - {title: Cinformi, url: "http://www.cinformi.it/", level: provincial}\n', "  []\n"
        )
        .replace("sources:\n  []", "sources: []")
    )
    assert any("no sources" in p for p in problems(kb_dir, mini_map))


def test_translations_made_from_older_italian_are_listed(kb_dir: Path, mini_map: TopicMap) -> None:
    kb = load(kb_dir, mini_map, LANGUAGES)
    current = kb.topics["permit_renewal"]["answers"]["it"]["revision"]
    assert ("permit_renewal", "en", None, current) in kb.outdated
    path = kb_dir / "topics/documents/permit_renewal.yml"
    path.write_text(path.read_text().replace("  en:\n", f"  en:\n    from_revision: {current}\n"))
    assert not [o for o in load(kb_dir, mini_map, LANGUAGES).outdated if o[0] == "permit_renewal"]
    path.write_text(path.read_text().replace("Rinnova almeno 60", "Rinnova almeno 90"))
    assert [
        o[1] for o in load(kb_dir, mini_map, LANGUAGES).outdated if o[0] == "permit_renewal"
    ] == ["en"]


def test_revision_follows_the_text() -> None:
    a = {"short": "x", "steps": ["a"]}
    assert answer_revision(a) == answer_revision(dict(a)) != answer_revision({**a, "short": "y"})


def test_a_duplicate_key_is_named_with_its_line(kb_dir: Path, mini_map: TopicMap) -> None:
    path = kb_dir / "topics/documents/permit_renewal.yml"
    text = path.read_text()
    path.write_text(text.replace("topic: permit_renewal\n", "topic: permit_renewal\ntopic: x\n", 1))
    found = problems(kb_dir, mini_map)
    assert any("permit_renewal.yml:2:" in p and "duplicate key 'topic'" in p for p in found), found


def test_an_empty_or_truncated_file_is_a_problem(kb_dir: Path, mini_map: TopicMap) -> None:
    (kb_dir / "comuni.yml").write_text("")
    found = problems(kb_dir, mini_map)
    assert any("comuni.yml:1: the file is empty" in p for p in found), found


def test_an_over_long_field_is_refused_with_its_line(kb_dir: Path, mini_map: TopicMap) -> None:
    path = kb_dir / "topics/documents/permit_renewal.yml"
    lines = path.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("short:"))
    lines[number] = lines[number] + " " + "x" * 10_000_000  # a 10 MB answer
    path.write_text("\n".join(lines) + "\n")
    found = problems(kb_dir, mini_map)
    assert any(f"permit_renewal.yml:{number + 1}:" in p and "over 500" in p for p in found), found
