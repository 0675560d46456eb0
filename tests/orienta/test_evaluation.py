"""The evaluation numbers, on hand-made predictions."""

from orienta.evaluation import Gold, score


def gold(i: int, lang: str, topics: tuple[str, ...]) -> Gold:
    return Gold(f"g{i}", f"text {i}", lang, topics, None, 1)


def test_precision_recall_confusions_and_out_of_scope() -> None:
    rows = [
        gold(1, "it", ("permit_renewal",)),
        gold(2, "it", ("permit_fees",)),
        gold(3, "en", ("out_of_scope",)),
        gold(4, "en", ("find_office", "cinformi")),
    ]
    pred = [
        {"topic": "permit_renewal", "language": "it", "answer": ""},
        {"topic": "permit_renewal", "language": "es", "answer": ""},
        {"topic": "out_of_scope", "language": "en", "answer": ""},
        {"topic": "cinformi", "language": "en", "answer": ""},
    ]
    report = score(rows, pred)
    s = report["summary"]
    assert s["topic_accuracy"] == 0.75
    assert s["language_id_accuracy"] == 0.75
    assert (s["oos_precision"], s["oos_recall"]) == (1.0, 1.0)
    assert report["topics"]["permit_renewal"] == {"precision": 0.5, "recall": 1.0, "support": 1}
    assert report["topics"]["permit_fees"]["recall"] == 0.0
    assert report["confused_pairs"][0] == {
        "gold": "permit_fees",
        "predicted": "permit_renewal",
        "count": 1,
    }
    assert report["languages"]["it"]["accuracy"] == 0.5
    assert s["worst_language_accuracy"] == 0.5
    assert not report["all_targets_met"]
