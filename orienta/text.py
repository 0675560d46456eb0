"""Text normalisation shared by the tokenizer and the language identifier."""

from __future__ import annotations

import re
import unicodedata

# Arabic-script letters typed differently on Arabic and Urdu keyboards, folded to one form.
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ی",
        "ي": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۃ": "ه",
        "ہ": "ه",
        "ـ": "",  # tatweel
    }
)
_SPACES = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def strip_marks(text: str) -> str:
    """Remove combining marks (accents, Arabic short vowels) after NFKD decomposition."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def normalize(text: str) -> str:
    """Fold case, accents and keyboard variants, so that 'Città', 'citta' and 'CITTA' match."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = strip_marks(text).translate(_ARABIC_FOLD)
    text = text.replace("’", "'").replace("`", "'")
    return _SPACES.sub(" ", text).strip()


def script_of(ch: str) -> str:
    """A coarse script name for one character: latin, arabic, cyrillic, han, other."""
    if _HAN.match(ch):
        return "han"
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if ch.isalpha() and (code < 0x0250 or 0x1E00 <= code <= 0x1EFF):
        return "latin"
    return "other"


def script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = script_of(ch)
            counts[script] = counts.get(script, 0) + 1
    return counts
