"""Helpers every channel needs to fit replies into its limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` (as measured), at paragraphs, then lines,
    then spaces; a single over-long word is cut. Nothing is lost and the order is kept."""
    if measure(text) <= limit:
        return [text]
    for separator in ("\n\n", "\n", " "):
        pieces = text.split(separator)
        if len(pieces) > 1:
            break
    else:
        cut = limit
        while cut > 1 and measure(text[:cut]) > limit:
            cut -= 1
        return [text[:cut], *split_text(text[cut:], limit, measure)]
    parts: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        if measure(piece) <= limit:
            current = piece
        else:
            *whole, current = split_text(piece, limit, measure)
            parts.extend(whole)
    if current:
        parts.append(current)
    return parts


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis when it is longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


RLM, FSI, PDI = "\u200f", "\u2068", "\u2069"
_RTL_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))  # Hebrew, Arabic (+forms)


def _is_rtl(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _RTL_RANGES)


def has_rtl(text: str) -> bool:
    return any(_is_rtl(ch) for ch in text)


def _starts_ltr(line: str) -> bool:
    """Whether the first letter of the line (its direction decides the line's) is not RTL."""
    first = next((ch for ch in line if ch.isalpha()), None)
    return first is not None and not _is_rtl(first)


def bidi_safe(text: str) -> str:
    """Right-to-left text whose lines start with a Latin word ("Orienta", "Cinformi") would be
    laid out left to right by phone apps, which pick a line's direction from its first
    letter: start each such line with a right-to-left mark. Other text is left alone."""
    if not has_rtl(text):
        return text
    return "\n".join(RLM + line if _starts_ltr(line) and not line.startswith(RLM) else line
                     for line in text.split("\n"))  # fmt: skip


def bidi_safe_reply(reply: dict[str, Any]) -> dict[str, Any]:
    """A reply with its text and button titles made :func:`bidi_safe`."""
    out = dict(reply)
    if out.get("text"):
        out["text"] = bidi_safe(str(out["text"]))
    if out.get("buttons"):
        out["buttons"] = [{**b, "title": bidi_safe(str(b["title"]))} for b in out["buttons"]]
    return out


def isolate(text: str) -> str:
    """Embed text of unknown direction (a staff member's words) inside a sentence."""
    return f"{FSI}{text}{PDI}"
