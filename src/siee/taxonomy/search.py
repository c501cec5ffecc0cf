"""Fuzzy search over occupation and skill labels (preferred and alternative, each gendered form).

``search_concepts("ayudante de cosina")`` → ``[{"kind": "occupation", "id": 12, "uri": "...",
"label": "ayudante de cocina", "matched_label": "ayudante de cocina", "isco": "9412", "score": 0.94}, ...]``.
The shape of these dicts is a stable contract (the web autocomplete and the API use it):

* ``kind``: ``"occupation"`` or ``"skill"``; ``id``/``uri``/``label``: the concept and its preferred label;
* ``matched_label``: the label (preferred, alternative, or one gendered half) that matched best;
* ``isco``: the ISCO-08 code of an occupation, ``None`` for a skill; ``score``: 0..1, 1 = exact match.

How it works. Labels are folded (lower case, no accents, no punctuation: ``siee.lib.text.fold``) into an
in-process index (about 51,000 labels for ESCO + starter; built in 2-3 s), built lazily from the database and
cached per process; nothing is shared between processes. Before every search the highest occupation and skill
ids are read (one primary-key lookup), and every 30 s the counts too: a load in another process, a rolled-back
test load, or deletions trigger a rebuild. The loaders also call ``invalidate_search_index()`` for their own
process. Label edits in another process that add and delete nothing (a re-load of changed files) are seen
after that process's next restart; the loaders are the only writers of these tables.

A query is answered in three steps: (1) candidate generation through a token index: each query word is
expanded to the index words equal to it, starting with it, or within a small edit distance (rapidfuzz over the
vocabulary), and the labels containing those words are candidates, those matching most query words first;
(2) scoring of the candidates with rapidfuzz on the folded strings (best of ``ratio``, ``token_sort_ratio``
and ``token_set_ratio``/``partial_ratio`` discounted and weighted by the share of query words the label
contains); (3) boosts: an exact folded match scores 1.0 (nothing else does), a label that starts with the
query at least 0.9 (0.85 when the query ends mid-word). Results are grouped by concept (best label wins).
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from siee.lib.text import STOPWORDS, fold, split_gendered

fast_fold = fold  # kept for callers; the table-driven folding now lives in siee.lib.text.fold


KINDS = ("occupation", "skill")
MAX_CANDIDATES = 400  # labels scored per query, best word coverage first, then closest length
MAX_PREFIX_WORDS = 60
MAX_FUZZY_WORDS = 25
COUNT_CHECK_SECONDS = 30.0


@dataclass
class _Index:
    key: tuple  # (max occupation id, max skill id, occupation count, skill count)
    checked_at: float = 0.0  # time.monotonic() of the last count check
    kinds: list[str] = field(default_factory=list)  # per entry
    concept: list[int] = field(default_factory=list)  # per entry: position in `concepts`
    matched: list[str] = field(default_factory=list)  # per entry: label as written
    folded: list[str] = field(default_factory=list)  # per entry
    preferred: list[bool] = field(default_factory=list)  # per entry: is (a half of) the preferred label
    concepts: list[tuple[str, int, str, str, str | None]] = field(default_factory=list)  # kind,id,uri,label,isco
    postings: dict[str, list[int]] = field(default_factory=dict)  # word → entries (numpy arrays once frozen)
    vocab: list[str] = field(default_factory=list)  # sorted words, for prefix look-ups
    vocab_by_length: dict[int, list[str]] = field(default_factory=dict)  # for typo look-ups
    lengths: np.ndarray | None = None  # per entry: len(folded)
    is_skill: np.ndarray | None = None  # per entry

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
            f = fast_fold(text)
            if not f or f in seen:
                continue
            seen.add(f)
            e = len(self.folded)
            self.kinds.append(kind)
            self.concept.append(c)
            self.matched.append(text.strip())
            self.folded.append(f)
            self.preferred.append(preferred)
            for word in set(f.split()):
                if word not in STOPWORDS:
                    self.postings.setdefault(word, []).append(e)

    def freeze(self) -> None:
        self.postings = {w: np.asarray(e, dtype=np.int32) for w, e in self.postings.items()}
        self.vocab = sorted(self.postings)
        for word in self.vocab:
            self.vocab_by_length.setdefault(len(word), []).append(word)
        self.lengths = np.fromiter((len(f) for f in self.folded), dtype=np.int32, count=len(self.folded))
        self.is_skill = np.fromiter((k == "skill" for k in self.kinds), dtype=bool, count=len(self.kinds))


_lock = threading.Lock()
_cache: dict[str, _Index] = {}


def invalidate_search_index() -> None:
    """Forget this process's index (the loaders call it); the next search rebuilds it."""
    with _lock:
        _cache.clear()


def _max_ids() -> tuple:
    """Highest occupation and skill ids: one cheap query (primary-key index) made before every search."""
    from django.db import connection

    from siee.taxonomy.models import Occupation, Skill

    o, s = Occupation._meta.db_table, Skill._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(id) FROM {o}), (SELECT MAX(id) FROM {s})")
        return tuple(cursor.fetchone())


def _counts() -> tuple:
    """Occupation and skill counts (a table scan on PostgreSQL): checked every COUNT_CHECK_SECONDS."""
    from django.db import connection

    from siee.taxonomy.models import Occupation, Skill

    o, s = Occupation._meta.db_table, Skill._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT COUNT(*) FROM {o}), (SELECT COUNT(*) FROM {s})")
        return tuple(cursor.fetchone())


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
    index.freeze()
    return index


def get_search_index() -> _Index:
    """This process's index, rebuilt when the highest ids changed (new rows, or a rolled-back load) or, checked
    every COUNT_CHECK_SECONDS, the counts changed (deletions)."""
    max_ids = _max_ids()
    index = _cache.get("index")
    if index is not None and index.key[:2] == max_ids:
        if time.monotonic() - index.checked_at < COUNT_CHECK_SECONDS:
            return index
        if index.key[2:] == _counts():
            index.checked_at = time.monotonic()
            return index
    with _lock:
        key = (*_max_ids(), *_counts())
        index = _cache.get("index")
        if index is None or index.key != key:
            index = _build_index(key)
            _cache["index"] = index
        index.checked_at = time.monotonic()
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
        # ratio >= 75 allows about one edit per four letters; longer or shorter words cannot reach it.
        cutoff = 75 if len(word) >= 6 else 80
        spread = max(1, len(word) // 4)
        for length in range(len(word) - spread, len(word) + spread + 1):
            words = index.vocab_by_length.get(length)
            if words:
                for candidate, _score, _ in process.extract(word, words, scorer=fuzz.ratio, score_cutoff=cutoff,
                                                            limit=MAX_FUZZY_WORDS):
                    found.add(candidate)
    return found


def _query_words(query: str) -> list[str]:
    words = [w for w in query.split() if w not in STOPWORDS] or query.split()
    return list(dict.fromkeys(words))


def _candidates(index: _Index, words: list[str], query_length: int, kind: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Entries sharing (a spelling of) at least one query word, and the share of query words each contains.

    At most MAX_CANDIDATES: those containing most query words first, then those closest in length.
    """
    per_word = []
    for word in words:
        arrays = [index.postings[c] for c in _expand_word(index, word)]
        if arrays:
            per_word.append(np.unique(np.concatenate(arrays)))
    if not per_word:
        return np.empty(0, dtype=np.int32), np.empty(0)
    entries, counts = np.unique(np.concatenate(per_word), return_counts=True)
    if kind is not None:
        keep = index.is_skill[entries] == (kind == "skill")
        entries, counts = entries[keep], counts[keep]
    if len(entries) > MAX_CANDIDATES:
        order = np.lexsort((np.abs(index.lengths[entries] - query_length), -counts))[:MAX_CANDIDATES]
        entries, counts = entries[order], counts[order]
    return entries, counts / len(words)


def _score(query: str, choices: list[str], coverage: np.ndarray) -> np.ndarray:
    """0..1 per choice: whole-string similarity, or (discounted) containment of the query's words.

    ``token_set_ratio`` and ``partial_ratio`` are symmetric (a one-word label inside a long query scores 100),
    so they are weighted by ``coverage``, the share of the query's words the label contains.
    """
    q = [query]
    scores = np.maximum(
        process.cdist(q, choices, scorer=fuzz.ratio)[0],
        process.cdist(q, choices, scorer=fuzz.token_sort_ratio)[0],
    )
    contained = np.maximum(
        0.88 * process.cdist(q, choices, scorer=fuzz.token_set_ratio)[0],
        0.85 * process.cdist(q, choices, scorer=fuzz.partial_ratio)[0],
    )
    return np.maximum(scores, contained * coverage) / 100.0


_SYNONYMS: list[tuple[str, str]] | None = None


def _synonyms() -> list[tuple[str, str]]:
    """(folded phrase, replacement) pairs, longest phrase first (``starter/search_synonyms.tsv``)."""
    global _SYNONYMS
    if _SYNONYMS is None:
        from pathlib import Path

        pairs = []
        path = Path(__file__).parent / "starter" / "search_synonyms.tsv"
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#") or "\t" not in line:
                continue
            left, right = line.split("\t", 1)
            pairs.append((fold(left), right.strip()))
        _SYNONYMS = sorted(pairs, key=lambda p: -len(p[0]))
    return _SYNONYMS


def expand_query(query: str) -> str | None:
    """The query with Latin American words replaced by ESCO's ("excel avanzado" -> "utilizar hojas de
    cálculo", "mesero" -> "camarero"), or None when no phrase applies. Whole words only."""
    q = f" {fold(query)} "
    changed = False
    for left, right in _synonyms():
        needle = f" {left} "
        if needle in q:
            q = q.replace(needle, f" {fold(right)} ")
            changed = True
    return q.strip() if changed else None


def search_concepts(query: str, *, kind: str | None = None, limit: int = 10) -> list[dict]:
    """Occupations and/or skills whose labels best match ``query`` (see the module docstring for the shape).

    Latin American words missing from ESCO's Spanish labels are also searched through their ESCO equivalent
    (``expand_query``); a concept found both ways keeps its better score."""
    results = _search_labels(query, kind=kind, limit=limit)
    expanded = expand_query(query) if query else None
    if expanded and expanded != fold(query):
        seen = {(r["kind"], r["id"]): r for r in results}
        for r in _search_labels(expanded, kind=kind, limit=limit):
            r = {**r, "score": round(min(r["score"], 0.99) * 0.97, 4)}
            key = (r["kind"], r["id"])
            if key not in seen or seen[key]["score"] < r["score"]:
                seen[key] = r
        results = sorted(seen.values(), key=lambda r: -r["score"])[:limit]
    return results


def _search_labels(query: str, *, kind: str | None = None, limit: int = 10) -> list[dict]:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} or None")
    q = fold(query)
    if not q or limit <= 0:
        return []
    index = get_search_index()
    if not index.folded:
        return []
    words = _query_words(q)
    entries, coverage = _candidates(index, words, len(q), kind)
    if len(entries):
        candidates = entries.tolist()
    else:  # nothing shares a word: fall back to a scan of every label
        pool = [e for e, k in enumerate(index.kinds) if kind is None or k == kind]
        extracted = process.extract(q, [index.folded[e] for e in pool], scorer=fuzz.WRatio, limit=limit * 5,
                                    score_cutoff=50)
        candidates = [pool[i] for _, _, i in extracted]
        if not candidates:
            return []
        coverage = np.ones(len(candidates))
    scores = _score(q, [index.folded[e] for e in candidates], coverage)

    best: dict[int, tuple[float, bool, int]] = {}
    for e, score in zip(candidates, scores.tolist(), strict=True):
        folded = index.folded[e]
        if folded == q:
            score = 1.0
        else:
            if folded.startswith(q):  # typing the beginning of a label: rank it high, whole words higher
                floor = 0.9 if folded[len(q)] == " " else 0.85
                score = max(score, floor + 0.09 * len(q) / len(folded))
            score = min(score, 0.99)
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
