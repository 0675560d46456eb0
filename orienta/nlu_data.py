"""Reading the training data in ``nlu_data/<lang>/<area>.yml`` with its language and place."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from orienta.paths import NLU_DATA_DIR

_ENTITY_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


class NluDataError(ValueError):
    """A training data file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    language: str
    intent: str
    text: str
    file: Path
    line: int


def _plain(text: str) -> str:
    return _ENTITY_MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", text).strip()


def read_file(path: Path, language: str) -> list[Example]:
    """Examples of one Rasa NLU YAML file, each with the line it stands on."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise NluDataError(f"{path}: not valid YAML: {exc}") from exc
    examples: list[Example] = []
    if node is None:
        return examples
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    blocks = doc.get("nlu") if isinstance(doc, dict) else None
    if not isinstance(blocks, list):
        raise NluDataError(f"{path}:1: expected a top-level 'nlu:' list")
    mapping = {k.value: v for k, v in node.value}
    for block, block_node in zip(blocks, mapping["nlu"].value, strict=True):
        line = block_node.start_mark.line + 1
        if not isinstance(block, dict) or "intent" not in block:
            continue  # synonyms, lookups and regexes carry no examples
        raw = block.get("examples")
        if not isinstance(raw, str):
            raise NluDataError(
                f"{path}:{line}: intent {block['intent']!r} has no 'examples: |' block"
            )
        value_nodes = {k.value: v for k, v in block_node.value}
        first = value_nodes["examples"].start_mark.line + 1  # 1-based line of the '|' indicator
        for offset, item in enumerate(raw.splitlines(), start=1):
            item = item.strip()
            if not item:
                continue
            if not item.startswith("- "):
                raise NluDataError(
                    f"{path}:{first + offset}: example must start with '- ': {item!r}"
                )
            examples.append(
                Example(language, str(block["intent"]), _plain(item[2:]), path, first + offset)
            )
    return examples


def iter_examples(
    root: Path = NLU_DATA_DIR, languages: tuple[str, ...] | None = None
) -> Iterator[Example]:
    """All examples below ``root``, language taken from the folder name."""
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if languages and lang_dir.name not in languages:
            continue
        for path in sorted(lang_dir.glob("*.yml")):
            yield from read_file(path, lang_dir.name)
