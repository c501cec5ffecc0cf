"""Spanish text normalisation: accent folding, case folding, light stemming."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^0-9a-zñ]+")

STOPWORDS = frozenset(
    "a al con de del el en la las lo los o para por se sin su sus u un una y e".split()
)


class _FoldTable(dict):
    """Per-character table for ``str.translate``: a lower-case character without its accents (ñ kept)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = ch if ch == "ñ" else "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def fold(text: str | None) -> str:
    """Lower-case, strip accents (keeping ñ), collapse punctuation and spaces."""
    if not text:
        return ""
    lowered = text.lower()
    if not lowered.isascii():
        lowered = lowered.translate(_FOLD_TABLE)
    return " ".join(_NON_WORD.sub(" ", lowered).split())


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("spanish")


def tokens(text: str | None, *, stem: bool = False, drop_stopwords: bool = True) -> list[str]:
    words = fold(text).split()
    if drop_stopwords:
        words = [w for w in words if w not in STOPWORDS]
    if stem:
        words = _stemmer().stemWords(words)
    return words


def split_gendered(label: str) -> list[str]:
    """ESCO labels are often 'cocinero/cocinera': return each form, and the whole label."""
    parts = [p.strip() for p in label.split("/") if p.strip()]
    if len(parts) <= 1:
        return [label.strip()]
    return parts


def normalize_name(text: str | None) -> str:
    """Name comparison key: folded, single-spaced."""
    return fold(text)


_LOWER_PARTICLES = {"de", "del", "la", "las", "los", "y", "e", "el", "en"}


def title_es(text: str) -> str:
    """'VALLE DEL CAUCA' -> 'Valle del Cauca' (official names are often upper case)."""
    words = text.lower().split(" ")
    out = []
    for i, w in enumerate(words):
        if i > 0 and w in _LOWER_PARTICLES:
            out.append(w)
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)
