from orienta.text import normalize, script_counts


def test_normalize_folds_case_accents_and_spacing() -> None:
    assert normalize("  Città   PERMESSO di Soggiòrno ") == "citta permesso di soggiorno"


def test_normalize_folds_arabic_and_urdu_keyboard_variants() -> None:
    # Arabic yeh/kaf and Urdu yeh/kaf are typed on different keyboards: one form for matching.
    assert normalize("كيف") == normalize("کیف")
    assert normalize("أين") == normalize("این")


def test_script_counts_sees_mixed_scripts() -> None:
    counts = script_counts("مجھے permesso چاہیے")
    assert counts["arabic"] > 0 and counts["latin"] == 8
    assert script_counts("我想学意大利语") == {"han": 7}
