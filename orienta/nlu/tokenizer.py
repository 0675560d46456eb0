"""One tokenizer for every language: words for spaced scripts, jieba words for Chinese."""

from __future__ import annotations

import logging
from typing import Any

import regex
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from orienta.text import normalize

_PIECES = regex.compile(r"\p{Han}+|[\p{L}\p{M}\p{N}]+")
_HAN_RUN = regex.compile(r"\p{Han}+")


def _jieba_cut(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.cut(text) if w.strip()]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MultilingualTokenizer(Tokenizer):
    """Splits on letters and digits in any script; segments Chinese with jieba.

    Each token's lemma is its normalised form (case, accents and Arabic/Urdu keyboard variants
    folded), which the featurizers use, so 'Città', 'citta' and 'CITTA' count as one word.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute) or ""
        tokens: list[Token] = []
        for match in _PIECES.finditer(text):
            piece, start = match.group(), match.start()
            if _HAN_RUN.fullmatch(piece):
                offset = 0
                for word in _jieba_cut(piece):
                    position = piece.find(word, offset)
                    tokens.append(Token(word, start + position, lemma=word))
                    offset = position + len(word)
            else:
                tokens.append(Token(piece, start, lemma=normalize(piece)))
        if not tokens and text.strip():
            tokens.append(Token(text.strip(), text.find(text.strip()), lemma=text.strip()))
        return self._apply_token_pattern(tokens)
