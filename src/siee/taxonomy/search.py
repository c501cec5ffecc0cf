"""Fuzzy search over occupation and skill labels (preferred and alternative, each gendered form).

``search_concepts("ayudante de cosina")`` → ``[{"kind": "occupation", "id": 12, "uri": "...",
"label": "ayudante de cocina", "matched_label": "ayudante de cocina", "isco": "9412", "score": 0.94}, ...]``.
The shape of these dicts is a stable contract (the web autocomplete and the API use it):

* ``kind``: ``"occupation"`` or ``"skill"``; ``id``/``uri``/``label``: the concept and its preferred label;
* ``matched_label``: the label (preferred, alternative, or one gendered half) that matched best;
* ``isco``: the ISCO-08 code of an occupation, ``None`` for a skill; ``score``: 0..1, 1 = exact match.

How it works. Labels are folded (lower case, no accents, no punctuation: ``siee.lib.text.fold``) into an
in-process index, built lazily from the database and cached per process. The cache key is the count and the
highest id of occupations and skills (two cheap aggregate queries per search), so another process's load is
picked up; the loaders also call ``invalidate_search_index()``. Label edits that change neither count nor
id in another process are seen after that process restarts or reloads (the loaders are the only writers).

A query is answered in three steps: (1) candidate generation through a token index: each query word is
expanded to the index words equal to it, starting with it, or within a small edit distance (rapidfuzz over the
vocabulary), and the labels containing those words are candidates, those matching most query words first;
(2) scoring of the candidates with rapidfuzz on the folded strings (best of ``ratio``, ``token_sort_ratio``
and a discounted ``token_set_ratio``/``partial_ratio``); (3) boosts: an exact folded match scores 1.0, a
label that starts with the query at least 0.9. Results are grouped by concept (best label wins).
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from siee.lib.text import STOPWORDS, fold, split_gendered

KINDS = ("occupation", "skill")
MAX_CANDIDATES = 3000
MAX_PREFIX_WORDS = 60


@dataclass
class _Index:
    key: tuple
    kinds: list[str] = field(default_factory=list)  # per entry
    concept: list[int] = field(default_factory=list)  # per entry: position in `concepts`
    matched: list[str] = field(default_factory=list)  # per entry: label as written
    folded: list[str] = field(default_factory=list)  # per entry
    preferred: list[bool] = field(default_factory=list)  # per entry: is (a half of) the preferred label
    concepts: list[tuple[str, int, str, str, str | None]] = field(default_factory=list)  # kind,id,uri,label,isco
    exact: dict[str, list[int]] = field(default_factory=dict)
    postings: dict[str, list[int]] = field(default_factory=dict)
    vocab: list[str] = field(default_factory=list)  # sorted words

    def add_concept(self, kind: str, pk: int, uri: str, label: str, isco: str | None, alt_labels: str) -> None:
        c = len(self.concepts)
        self.concepts.append((kind, pk, uri, label, isco))
        seen: set[str] = set()
        forms = [(label, True)] + [(h, True) for h in split_gendered(label)]
        for alt in alt_labels.split("\n"):
            if alt.strip():
                forms.append((alt.strip(), False))
                forms.extend((h, False) for h in split_gendered(alt))
        for text, preferred in forms:
            f = fold(text)
            if not f or f in seen:
                continue
            seen.add(f)
            e = len(self.folded)
            self.kinds.append(kind)
            self.concept.append(c)
            self.matched.append(text.strip())
            self.folded.append(f)
            self.preferred.append(preferred)
            self.exact.setdefault(f, []).append(e)
            for word in set(f.split()):
                if word not in STOPWORDS:
                    self.postings.setdefault(word, []).append(e)


_lock = threading.Lock()
_cache: dict[str, _Index] = {}


def invalidate_search_index() -> None:
    """Forget this process's index (the loaders call it); the next search rebuilds it."""
    with _lock:
        _cache.clear()


def _index_key() -> tuple:
    from django.db.models import Count, Max

    from siee.taxonomy.models import Occupation, Skill

    o = Occupation.objects.aggregate(n=Count("pk"), m=Max("pk"))
    s = Skill.objects.aggregate(n=Count("pk"), m=Max("pk"))
    return (o["n"], o["m"], s["n"], s["m"])


def _build_index(key: tuple) -> _Index:
    from siee.taxonomy.models import Occupation, Skill

    index = _Index(key=key)
    for pk, uri, label, isco, alts in Occupation.objects.order_by("pk").values_list(
        "pk", "uri", "label", "isco_code", "alt_labels"
    ).iterator(chunk_size=5000):
        index.add_concept("occupation", pk, uri, label, isco, alts)
    for pk, uri, label, alts in Skill.objects.order_by("pk").values_list(
        "pk", "uri", "label", "alt_labels"
    ).iterator(chunk_size=5000):
        index.add_concept("skill", pk, uri, label, None, alts)
    index.vocab = sorted(index.postings)
    return index


def get_search_index() -> _Index:
    key = _index_key()
    index = _cache.get("index")
    if index is None or index.key != key:
        with _lock:
            index = _cache.get("index")
            if index is None or index.key != key:
                index = _build_index(key)
                _cache["index"] = index
    return index


def _expand_word(index: _Index, word: str) -> set[str]:
    """Index words that may stand for the query word: itself, words it starts, near spellings."""
    found = {word} if word in index.postings else set()
    if len(word) >= 3:
        i = bisect.bisect_left(index.vocab, word)
        for candidate in index.vocab[i:i + MAX_PREFIX_WORDS]:
            if not candidate.startswith(word):
                break
            found.add(candidate)
    if len(word) >= 4:
        cutoff = 75 if len(word) >= 6 else 80
        for candidate, _score, _ in process.extract(word, index.vocab, scorer=fuzz.ratio, score_cutoff=cutoff,
                                                    limit=25):
            found.add(candidate)
    return found


def _candidates(index: _Index, query: str, kind: str | None) -> list[int]:
    words = [w for w in query.split() if w not in STOPWORDS] or query.split()
    hits: Counter[int] = Counter()
    for word in dict.fromkeys(words):
        entries: set[int] = set()
        for candidate in _expand_word(index, word):
            entries.update(index.postings[candidate])
        hits.update(entries)
    if kind:
        hits = Counter({e: n for e, n in hits.items() if index.kinds[e] == kind})
    if len(hits) <= MAX_CANDIDATES:
        return list(hits)
    return [e for e, _ in hits.most_common(MAX_CANDIDATES)]


def _score(query: str, choices: list[str]) -> np.ndarray:
    q = [query]
    scores = np.maximum(
        process.cdist(q, choices, scorer=fuzz.ratio)[0],
        process.cdist(q, choices, scorer=fuzz.token_sort_ratio)[0],
    )
    scores = np.maximum(scores, 0.88 * process.cdist(q, choices, scorer=fuzz.token_set_ratio)[0])
    scores = np.maximum(scores, 0.85 * process.cdist(q, choices, scorer=fuzz.partial_ratio)[0])
    return scores / 100.0


def search_concepts(query: str, *, kind: str | None = None, limit: int = 10) -> list[dict]:
    """Occupations and/or skills whose labels best match ``query`` (see the module docstring for the shape)."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} or None")
    q = fold(query)
    if not q or limit <= 0:
        return []
    index = get_search_index()
    if not index.folded:
        return []
    candidates = _candidates(index, q, kind)
    if not candidates:  # nothing shares a word: fall back to a scan of every label
        pool = [e for e, k in enumerate(index.kinds) if kind is None or k == kind]
        extracted = process.extract(q, [index.folded[e] for e in pool], scorer=fuzz.WRatio, limit=limit * 5,
                                    score_cutoff=50)
        candidates = [pool[i] for _, _, i in extracted]
        if not candidates:
            return []
    scores = _score(q, [index.folded[e] for e in candidates])

    best: dict[int, tuple[float, bool, int]] = {}
    for e, score in zip(candidates, scores.tolist(), strict=True):
        folded = index.folded[e]
        if folded == q:
            score = 1.0
        elif folded.startswith(q):
            score = max(score, min(0.99, 0.9 + 0.09 * len(q) / len(folded)))
        score = min(score, 0.99) if folded != q else 1.0
        c = index.concept[e]
        current = best.get(c)
        candidate = (score, index.preferred[e], e)
        if current is None or candidate[:2] > current[:2]:
            best[c] = candidate
    ranked = sorted(
        best.items(),
        key=lambda item: (-item[1][0], not item[1][1], len(index.concepts[item[0]][3]), index.concepts[item[0]][3]),
    )
    results = []
    for c, (score, _preferred, e) in ranked[:limit]:
        kind_, pk, uri, label, isco = index.concepts[c]
        results.append({"kind": kind_, "id": pk, "uri": uri, "label": label, "matched_label": index.matched[e],
                        "isco": isco, "score": round(score, 4)})
    return results
