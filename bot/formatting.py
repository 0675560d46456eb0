"""Helpers every channel needs to fit replies into its limits."""

from __future__ import annotations

from collections.abc import Callable


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
