"""Training runs the real pipeline; a current model is never trained twice."""

from pathlib import Path

import pytest

from orienta import training

pytestmark = pytest.mark.slow


def test_training_produces_a_model_named_after_its_inputs(fast_model: Path, data_dir: Path) -> None:
    assert fast_model.exists() and fast_model.stat().st_size > 100_000
    assert fast_model == training.model_file(fast_model.parent, config=data_dir / "config-fast.yml")


def test_a_current_model_is_not_retrained(fast_model: Path, data_dir: Path) -> None:
    before = fast_model.stat().st_mtime
    again = training.train(fast_model.parent, config=data_dir / "config-fast.yml", quiet=True)
    assert again == fast_model and fast_model.stat().st_mtime == before


def test_a_broken_pipeline_fails_with_rasas_message(tmp_path: Path, data_dir: Path) -> None:
    bad = tmp_path / "config.yml"
    config = (data_dir / "config-fast.yml").read_text()
    bad.write_text(config.replace("pipeline:\n", "pipeline:\n  - name: NoSuchClassifier\n", 1))
    with pytest.raises(training.TrainingError, match="NoSuchClassifier"):
        training.train(tmp_path / "models", config=bad, quiet=True)
