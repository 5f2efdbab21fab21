"""Direction marks: numbers, times and codes kept left to right inside Arabic text.

One home for the isolates every surface uses (the Qt screens, the printed ticket, the PDF
report). A value put inside a sentence may not re-order the text around it: overrides and
embeddings (U+202A–U+202E) are dropped outright, since they are how a hostile name reverses a
line; isolates are kept only when they balance, as these helpers produce them (a formatted
duration inside a sentence).
"""

from __future__ import annotations

LRI = "\u2066"  # left-to-right isolate
RLI = "\u2067"  # right-to-left isolate
FSI = "\u2068"  # first-strong isolate: direction taken from the first letter inside
PDI = "\u2069"  # pop directional isolate
LRM = "\u200e"
RLM = "\u200f"
ALM = "\u061c"
EMBEDDINGS_AND_OVERRIDES = "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
ISOLATE_OPENERS = LRI + RLI + FSI
BIDI_CONTROLS = EMBEDDINGS_AND_OVERRIDES + ISOLATE_OPENERS + PDI + LRM + RLM + ALM
_NO_CONTROLS = {ord(ch): None for ch in BIDI_CONTROLS}
_NO_EMBEDDINGS = {ord(ch): None for ch in EMBEDDINGS_AND_OVERRIDES}
_NO_ISOLATES = {ord(ch): None for ch in ISOLATE_OPENERS + PDI}


def ltr(text: object) -> str:
    """Keep `text` (a number, time, ticket number) left to right wherever it is embedded."""
    return f"{LRI}{clean_value(str(text))}{PDI}"


def rtl(text: object) -> str:
    """Keep `text` right to left wherever it is embedded."""
    return f"{RLI}{clean_value(str(text))}{PDI}"


def isolate(text: object) -> str:
    """Isolate `text`, its direction taken from its first letter (digits only: left to right)."""
    return f"{FSI}{clean_value(str(text))}{PDI}"


def strip_bidi(text: str) -> str:
    """Remove every direction mark, for speech, logs, glyph drawing and printers."""
    return text.translate(_NO_CONTROLS)


def isolates_balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in ISOLATE_OPENERS:
            depth += 1
        elif ch == PDI:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def clean_value(text: str) -> str:
    """`text` without overrides and embeddings, and without its isolates unless they balance."""
    text = text.translate(_NO_EMBEDDINGS)
    if not isolates_balanced(text):
        text = text.translate(_NO_ISOLATES)
    return text
