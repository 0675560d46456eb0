"""Rasa component: identify the language of every message and put it on the parse result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from orienta.langid import LanguageIdentifier, NgramModel
from orienta.nlu_data import iter_examples
from orienta.paths import NLU_DATA_DIR
from orienta.settings import get_settings

LANGUAGE = "language"
#: metadata keys a channel may send with a message
PREVIOUS_LANGUAGE = "previous_language"
LANGUAGE_HINT = "language_hint"
_MODEL_FILE = "ngrams.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageIdentifierComponent(GraphComponent, EntityExtractorMixin):
    """Adds ``language`` (ISO 639-1) and ``language_detection`` to every parse result.

    The language also becomes a ``language`` entity, which fills the ``language`` slot, so it
    is on the tracker for the actions. Context comes from the message metadata:
    ``previous_language`` (the conversation's language so far) and ``language_hint`` (the
    channel's, e.g. Telegram's ``language_code``).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"nlu_data_dir": None, "lingua_weight": 0.5}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        ngrams: NgramModel | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        settings = get_settings()
        self._identifier = LanguageIdentifier(
            ngrams or NgramModel({}),
            supported=settings.languages,
            default=settings.default_language,
            lingua_weight=float(config["lingua_weight"]),
        )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifierComponent:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the n-gram model on the examples of ``nlu_data/<lang>/``."""
        root = Path(self._config["nlu_data_dir"] or NLU_DATA_DIR)
        ngrams = NgramModel.fit((e.text, e.language) for e in iter_examples(root))
        with self._model_storage.write_to(self._resource) as directory:
            ngrams.save(directory / _MODEL_FILE)
        self._identifier.ngrams = ngrams
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageIdentifierComponent:
        with model_storage.read_from(resource) as directory:
            ngrams = NgramModel.load(directory / _MODEL_FILE)
        return cls(config, model_storage, resource, ngrams)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            metadata = message.get("metadata") or {}
            detection = self._identifier.detect(
                text, previous=metadata.get(PREVIOUS_LANGUAGE), hint=metadata.get(LANGUAGE_HINT)
            )
            message.set(LANGUAGE, detection.language, add_to_output=True)
            message.set(
                "language_detection",
                {"confidence": detection.confidence, "source": detection.source},
                add_to_output=True,
            )
            entity = {
                "entity": LANGUAGE,
                "value": detection.language,
                "start": 0,
                "end": len(text),
                "confidence_entity": detection.confidence,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
