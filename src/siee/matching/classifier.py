"""Spanish free text → ESCO occupations and skills. Pure core: numpy + rapidfuzz + snowball, no Django.

``OccupationClassifier`` is built from taxonomy rows (``OccupationEntry``/``SkillEntry`` plus the ISCO group
labels) and answers::

    clf.classify("trabajé de mesero", top=5)
    → [{"code": "<ESCO URI>", "isco": "5131", "label": "camarero/camarera", "score": 0.93, "id": 12,
        "kind": "occupation", "matched_label": "camarero"}, ...]
    clf.classify_batch(["ayudante de cocina", "", ...], top=5)   # one list per text, vectorised
    clf.classify_skills("manejo de montacargas y atención al cliente", top=10)
    → [{"code": "<skill URI>", "label": ..., "score": ..., "id": ..., "matched_label": ...}, ...]

How it works
------------
*Index.* Every occupation contributes *forms*: each gendered half of its preferred label ("cocinero",
"cocinera"), each alternative label (and its halves). Each ISCO group contributes its label as a form of
its own concept; an occupation inherits 0.8 × its unit group's score (a weak signal: "Cocineros" finds
every cook). Forms are folded (lower case, accents removed, punctuation dropped) and stopwords removed.
Two sparse matrices (kept as feature → (rows, values) posting arrays, numpy only) are built over the forms:

1. character 3-grams of the padded words (TF-IDF, sublinear tf, L2-normalised): robust to typos,
   plurals and word order;
2. Spanish snowball stems (idf-weighted, L2-normalised): "directores" = "director".

*Query.* The text is folded; stopwords and ad boilerplate (``classify_data/boilerplate.txt``: "se
requiere", "importante empresa", "salario", "horario", "experiencia", "trabajé de", ...) are dropped;
words not in the label vocabulary are corrected to the nearest vocabulary word (rapidfuzz, high cutoff);
Colombian words get a second variant with the Spain-Spanish word ESCO uses
(``classify_data/synonyms.tsv``: mesero → camarero, bodega → almacén, ...). The cosine of both matrices
is computed for all forms at once (one ``bincount`` per batch of queries); the best forms are re-scored
with rapidfuzz (``ratio``/``token_sort_ratio``) and the form score is ``0.4·char + 0.4·word + 0.2·fuzzy``
(1.0 for an exact folded match). A concept's score is its best form's.

*Long texts* (a vacancy description: more than ``LONG_TEXT_WORDS`` content words) are not compared
whole. They are cut into clauses at punctuation, and every run of 1..``MAX_SPAN`` content words of a
clause becomes a candidate *span*, scored like a short query. The words right after a hiring verb ("se
requiere", "busca", "cargo") count fully, spans of the first clause or written in capitals (in mixed-case
text) 0.95, others ``body_weight`` (0.75). A span is also weighted by how title-like its first word is
(how often it heads a label: "auxiliar" yes, "moto" no) and, alone, by its rarity, unless it is a whole
preferred label ("vendedora"). An occupation's score is its best weighted span score, of which
``SKILL_BOOST`` (3 %) is kept only when essential skills of the occupation are named in the text. Short texts are scored whole: unknown words ("soldador mig tig")
only lower every score alike. (``short_span_weight`` > 0 also scores their sub-spans; measured: no gain
on the held-out labels, -0.007 MRR on MELO, five times slower, so it is off.)

Scores are in [0, 1]; only an exact match of a whole label scores 1.0.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

DATA_DIR = Path(__file__).resolve().parent / "classify_data"

STOPWORDS = frozenset(
    "a al ante bajo con contra de del desde durante e el en entre hacia hasta la las lo los o para por "
    "segun se sin sobre su sus tras u un una unas unos y que cual cuales otro otra otros otras etc "
    "tipo tipos todo toda todos todas".split()
)

LONG_TEXT_WORDS = 8  # more content words than this: span mode (a description, not a title)
MAX_SPAN = 5  # longest span (content words) scored in span mode
MAX_LONG_WORDS = 80  # content words of a long text looked at (the title comes first; bounds the work)
TOP_FORMS = 120  # forms re-scored with rapidfuzz per query
GROUP_WEIGHT = 0.8  # an occupation's score from its ISCO unit group's label
ALT_WEIGHT = 0.98  # an alternative label's match counts a little less than the preferred label's
SPEC_IDF = 7.5  # a one-word span whose word is this rare (idf over forms) or rarer is fully specific
SKILL_BOOST = 0.03  # share of a description's occupation score that depends on its named essential skills
SKILL_LIGHT_WEIGHT = 0.2  # weight of the verbs that open skill labels (classify_data/skill_light_words.txt)
BATCH = 64  # queries per vectorised block
W_CHAR, W_WORD, W_FUZZ = 0.4, 0.4, 0.2

from siee.lib.text import fold  # noqa: E402  (table-driven folding shared with the label search)

_CLAUSE = re.compile(r"[.;:!?¡¿\n\r()\[\]|•·*\-–—/,]+")
_CAPS = re.compile(r"\b[A-ZÁÉÍÓÚÑÜ]{2,}(?:[\s]+(?:[A-ZÁÉÍÓÚÑÜ]{2,}|de|del|y|en|para|con|DE|DEL|Y|EN))*\b")
_HIRING = frozenset(
    "requiere requieren requerimos necesita necesitan necesitamos busca buscan buscamos solicita solicitan "
    "solicitamos contratar contrata vacante cargo puesto oferta vincular convocatoria".split()
)


def split_gendered(label: str) -> list[str]:
    """"cocinero/cocinera" → both forms. ESCO also writes "operario/operaria de máquina de coser": the
    one-word first half then takes the second half's tail ("operario de máquina de coser")."""
    parts = [p.strip() for p in label.split("/") if p.strip()]
    if len(parts) == 2 and " " not in parts[0] and " " in parts[1]:
        parts[0] = parts[0] + " " + parts[1].split(" ", 1)[1]
    return parts or [label.strip()]


def _read_lines(name: str) -> list[str]:
    path = DATA_DIR / name
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            out.append(line)
    return out


@lru_cache(maxsize=1)
def boilerplate_words() -> frozenset[str]:
    return frozenset(fold(w) for w in _read_lines("boilerplate.txt"))


@lru_cache(maxsize=1)
def synonyms() -> dict[tuple[str, ...], list[str]]:
    """Content-word sequence → replacement words (``classify_data/synonyms.tsv``)."""
    out: dict[tuple[str, ...], list[str]] = {}
    for line in _read_lines("synonyms.tsv"):
        if "\t" not in line:
            continue
        left, right = (_content(fold(p).split()) for p in line.split("\t", 1))
        if left and right and left != right:
            out.setdefault(tuple(left), right)
    return out


@lru_cache(maxsize=1)
def _synonym_words() -> frozenset[str]:
    return frozenset(w for key in synonyms() for w in key)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("spanish")


class _Stems(dict):
    def __missing__(self, word: str) -> str:
        value = _stemmer().stemWord(word) if len(word) > 3 and not word.isdigit() else word
        self[word] = value
        return value


_STEMS = _Stems()


def stem(word: str) -> str:
    return _STEMS[word]


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in STOPWORDS]


def _char_grams(words: Sequence[str]) -> dict[str, int]:
    grams: dict[str, int] = {}
    for w in words:
        padded = f" {w} "
        for i in range(len(padded) - 2):
            g = padded[i:i + 3]
            grams[g] = grams.get(g, 0) + 1
    return grams


# --- input rows ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OccupationEntry:
    uri: str
    isco: str
    label: str
    alt_labels: Sequence[str] = ()
    id: int | None = None
    essential_skills: Sequence[str] = ()  # skill URIs


@dataclass(frozen=True)
class SkillEntry:
    uri: str
    label: str
    alt_labels: Sequence[str] = ()
    id: int | None = None


# --- sparse matrix over forms, numpy only -------------------------------------------------------------------

@dataclass
class _Postings:
    """Row-normalised sparse matrix kept column-wise: feature → (rows, values)."""

    vocab: dict[str, int]
    idf: np.ndarray
    ptr: np.ndarray
    rows: np.ndarray
    vals: np.ndarray

    @classmethod
    def build(cls, docs: list[dict[str, float]], *, sublinear: bool, n_rows: int) -> _Postings:
        vocab: dict[str, int] = {}
        r_list: list[int] = []
        f_list: list[int] = []
        t_list: list[float] = []
        for r, doc in enumerate(docs):
            for feat, tf in doc.items():
                j = vocab.get(feat)
                if j is None:
                    j = vocab[feat] = len(vocab)
                r_list.append(r)
                f_list.append(j)
                t_list.append(tf)
        rows = np.asarray(r_list, dtype=np.int32)
        feats = np.asarray(f_list, dtype=np.int32)
        tf = np.asarray(t_list, dtype=np.float64)
        if sublinear:
            tf = 1.0 + np.log(np.maximum(tf, 1.0))
        df = np.bincount(feats, minlength=len(vocab)).astype(np.float64)
        idf = np.log((n_rows + 1.0) / (df + 1.0)) + 1.0
        vals = tf * idf[feats] if len(feats) else tf
        norms = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=n_rows))
        norms[norms == 0] = 1.0
        vals = vals / norms[rows]
        order = np.argsort(feats, kind="stable")
        ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(feats, minlength=len(vocab)), out=ptr[1:])
        return cls(vocab=vocab, idf=idf, ptr=ptr, rows=rows[order], vals=vals[order].astype(np.float32))

    def query_vector(self, doc: dict[str, float], *, sublinear: bool) -> tuple[list[int], np.ndarray]:
        ids, weights = [], []
        for feat, tf in doc.items():
            j = self.vocab.get(feat)
            if j is None:
                continue
            ids.append(j)
            weights.append((1.0 + math.log(tf) if sublinear and tf >= 1 else tf) * self.idf[j])
        if not ids:
            return [], np.empty(0)
        w = np.asarray(weights)
        # unknown features still count in the query norm (an unknown word lowers the similarity)
        unknown = [(1.0 + math.log(tf) if sublinear and tf >= 1 else tf) * float(self.idf.max())
                   for feat, tf in doc.items() if feat not in self.vocab]
        norm = math.sqrt(float((w * w).sum()) + sum(u * u for u in unknown) * 0.5)
        return ids, w / (norm or 1.0)

    def cosine(self, queries: list[tuple[list[int], np.ndarray]], n_rows: int) -> np.ndarray:
        """Dense (len(queries), n_rows) cosines, one bincount for the whole block (measured faster here than a
        scipy.sparse product for blocks of short queries)."""
        parts_idx, parts_val = [], []
        for qi, (ids, w) in enumerate(queries):
            for j, wj in zip(ids, w.tolist(), strict=True):
                a, b = self.ptr[j], self.ptr[j + 1]
                parts_idx.append(self.rows[a:b] + qi * n_rows if qi else self.rows[a:b])
                parts_val.append(self.vals[a:b] * wj)
        size = len(queries) * n_rows
        if not parts_idx:
            return np.zeros((len(queries), n_rows))
        idx = np.concatenate(parts_idx).astype(np.int64, copy=False)
        val = np.concatenate(parts_val)
        return np.bincount(idx, weights=val, minlength=size).reshape(len(queries), n_rows)


# --- the classifier ------------------------------------------------------------------------------------------

@dataclass
class _Query:
    """One text to compare with the forms: folded content words, and the weight its result gets."""

    words: list[str]
    weight: float = 1.0


@dataclass
class _Prepared:
    queries: list[_Query] = field(default_factory=list)
    long: bool = False
    folded: str = ""


class OccupationClassifier:
    group_weight = GROUP_WEIGHT  # instance-overridable (evaluation ablations)
    body_weight = 0.75  # spans of a description outside its title-like clauses
    short_span_weight = 0.0  # > 0: short texts are also scored through their sub-spans (slower; see the docstring)
    w_char, w_word, w_fuzz = W_CHAR, W_WORD, W_FUZZ
    def __init__(self, occupations: Sequence[OccupationEntry], isco_groups: Mapping[str, str] | None = None,
                 skills: Sequence[SkillEntry] = (), *, version: object = None):
        self.version = version
        # concepts: occupations first, then ISCO groups
        self.kind: list[str] = []
        self.uri: list[str] = []
        self.label: list[str] = []
        self.isco: list[str] = []
        self.ids: list[int | None] = []
        form_concept: list[int] = []
        form_words: list[list[str]] = []
        self.form_text: list[str] = []
        self.form_fold: list[str] = []
        seen: dict[tuple[int, str], None] = {}

        form_weight: list[float] = []

        def add_form(c: int, text: str, weight: float = 1.0) -> None:
            f = fold(text)
            words = _content(f.split()) or f.split()
            key = " ".join(words)
            if not key or (c, key) in seen:
                return
            seen[(c, key)] = None
            form_concept.append(c)
            form_weight.append(weight)
            form_words.append(words)
            self.form_text.append(text.strip())
            self.form_fold.append(key)

        for occ in occupations:
            c = len(self.uri)
            self.kind.append("occupation")
            self.uri.append(occ.uri)
            self.label.append(occ.label)
            self.isco.append((occ.isco or "").strip())
            self.ids.append(occ.id)
            for half in split_gendered(occ.label):
                add_form(c, half)
            if "/" in occ.label:
                add_form(c, occ.label)
            for alt in occ.alt_labels:
                if alt and alt.strip():
                    for half in split_gendered(alt):
                        add_form(c, half, ALT_WEIGHT)
        self.n_occupations = len(self.uri)
        group_concept: dict[str, int] = {}
        for code, label in sorted((isco_groups or {}).items()):
            c = len(self.uri)
            group_concept[code] = c
            self.kind.append("isco")
            self.uri.append(f"http://data.europa.eu/esco/isco/C{code}")
            self.label.append(label)
            self.isco.append(code)
            self.ids.append(None)
            add_form(c, label)
        self.n_concepts = len(self.uri)
        self.form_concept = np.asarray(form_concept, dtype=np.int32)
        self.form_weight = np.asarray(form_weight)
        self.n_forms = len(form_concept)
        # forms are added concept by concept: each concept's forms are one contiguous run
        starts = np.flatnonzero(np.r_[True, np.diff(self.form_concept) != 0]) if self.n_forms else np.zeros(0, int)
        self._concept_starts = starts
        self._concept_has_form = self.form_concept[starts] if self.n_forms else np.zeros(0, int)
        self.n_forms = len(form_concept)
        # occupation → its unit group's concept (or -1)
        self.group_of = np.full(self.n_occupations, -1, dtype=np.int64)
        for c in range(self.n_occupations):
            g = group_concept.get(self.isco[c])
            if g is not None:
                self.group_of[c] = g
        self._has_group = self.group_of >= 0

        self.vocab_words = sorted({w for words in form_words for w in words if len(w) > 1})
        self._vocab_set = set(self.vocab_words)
        self.char = _Postings.build([_char_grams(w) for w in form_words], sublinear=True, n_rows=self.n_forms)
        word_docs = [{stem(w): 1.0 for w in words} for words in form_words]
        # how often a word heads the labels it occurs in ("auxiliar", "soldador": titles; "moto": a modifier)
        heads: dict[str, int] = {}
        occurs: dict[str, int] = {}
        for words in form_words:
            if words:
                heads[stem(words[0])] = heads.get(stem(words[0]), 0) + 1
            for st in {stem(w) for w in words}:
                occurs[st] = occurs.get(st, 0) + 1
        self._head_share = {st: heads.get(st, 0) / n for st, n in occurs.items()}
        self.word = _Postings.build(word_docs, sublinear=False, n_rows=self.n_forms)
        # one-word preferred labels (or gendered halves): "vendedora", "albañil", not alternative labels such as
        # "auxiliar" (of azafato/azafata in ESCO 1.0.3), which a lone word in a description should not hit fully
        self._single_word_labels = {self.form_fold[i] for i in range(self.n_forms)
                                    if form_weight[i] == 1.0 and " " not in self.form_fold[i]
                                    and self.kind[form_concept[i]] == "occupation"}
        self._form_exact: dict[str, list[int]] = {}
        for i, key in enumerate(self.form_fold):
            self._form_exact.setdefault(key, []).append(i)

        # the vocabulary for typo correction: words of occupation, group and skill labels
        for skill in skills:
            for text in (skill.label, *skill.alt_labels):
                if text:
                    self._vocab_set.update(w for w in fold(text).split() if len(w) > 1 and w not in STOPWORDS)
        self.vocab_words = sorted(self._vocab_set)
        self._vocab_by_len: dict[int, list[str]] = {}
        for w in self.vocab_words:
            self._vocab_by_len.setdefault(len(w), []).append(w)
        self._corrections: dict[str, str] = {}
        # the skills index is built on first use (titles never need it)
        self._skill_source = (occupations, skills)
        self._skills_lock = threading.Lock()
        self._skills_ready = False

    # --- skills -------------------------------------------------------------------------------------------
    def _ensure_skills(self) -> None:
        if not self._skills_ready:
            with self._skills_lock:
                if not self._skills_ready:
                    self._build_skills(*self._skill_source)
                    self._skills_ready = True

    def _build_skills(self, occupations: Sequence[OccupationEntry], skills: Sequence[SkillEntry]) -> None:
        self.skill_uri: list[str] = []
        self.skill_label: list[str] = []
        self.skill_ids: list[int | None] = []
        s_concept: list[int] = []
        s_stems: list[list[str]] = []
        self.skill_form_text: list[str] = []
        stem_ids: dict[str, int] = {}
        seen: set[tuple[int, tuple[str, ...]]] = set()
        for skill in skills:
            c = len(self.skill_uri)
            self.skill_uri.append(skill.uri)
            self.skill_label.append(skill.label)
            self.skill_ids.append(skill.id)
            for text in [skill.label, *skill.alt_labels]:
                if not text or not text.strip():
                    continue
                words = _content(fold(text).split())
                stems = tuple(stem(w) for w in words)
                if not stems or (c, stems) in seen:
                    continue
                seen.add((c, stems))
                s_concept.append(c)
                s_stems.append(list(stems))
                self.skill_form_text.append(text.strip())
                for s in stems:
                    stem_ids.setdefault(s, len(stem_ids))
        self.skill_concept = np.asarray(s_concept, dtype=np.int32)
        self.skill_form_stems = s_stems
        self._skill_stem_ids = stem_ids
        n_forms = len(s_stems)
        rows, feats = [], []
        for r, stems in enumerate(s_stems):
            for s in set(stems):
                rows.append(r)
                feats.append(stem_ids[s])
        rows_a = np.asarray(rows, dtype=np.int32)
        feats_a = np.asarray(feats, dtype=np.int32)
        df = np.bincount(feats_a, minlength=len(stem_ids)).astype(np.float64)
        self._skill_idf = np.log((n_forms + 1.0) / (df + 1.0)) + 1.0
        for w in _read_lines("skill_light_words.txt"):  # "gestionar", "manejo": weak evidence of a skill
            j = stem_ids.get(stem(fold(w)))
            if j is not None:
                self._skill_idf[j] *= SKILL_LIGHT_WEIGHT
        order = np.argsort(feats_a, kind="stable")
        self._skill_rows = rows_a[order]
        self._skill_ptr = np.zeros(len(stem_ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(feats_a, minlength=len(stem_ids)), out=self._skill_ptr[1:])
        self._skill_mass = np.bincount(rows_a, weights=self._skill_idf[feats_a], minlength=n_forms) \
            if n_forms else np.zeros(0)
        # occupation → essential skills (concept positions)
        skill_pos = {u: i for i, u in enumerate(self.skill_uri)}
        occ_rows, sk_cols = [], []
        for c, occ in enumerate(occupations):
            for u in occ.essential_skills:
                s = skill_pos.get(u)
                if s is not None:
                    occ_rows.append(c)
                    sk_cols.append(s)
        self._ess_occ = np.asarray(occ_rows, dtype=np.int32)
        self._ess_skill = np.asarray(sk_cols, dtype=np.int32)

    # --- introspection (tests, evaluation) ---------------------------------------------------------------
    def indexed_labels(self) -> set[str]:
        """Folded content of every occupation/ISCO form in the index."""
        return set(self.form_fold)

    def concepts_with_label(self, text: str) -> set[str]:
        """URIs of the concepts that have ``text`` (folded, without stopwords) as one of their index forms."""
        key = label_key(text)
        return {self.uri[self.form_concept[i]] for i in self._form_exact.get(key, ())}

    def __len__(self) -> int:
        return self.n_occupations

    # --- query preparation -------------------------------------------------------------------------------
    def _correct(self, word: str) -> str:
        """The vocabulary word nearest to an unknown word (one edit in five letters), else the word itself.
        Words of the synonym list are known words ("contador" is not a typo of "cantador")."""
        if word in self._vocab_set or len(word) < 5 or word.isdigit() or word in _synonym_words():
            return word
        hit = self._corrections.get(word)
        if hit is not None:
            return hit
        best, best_score = word, 0.0
        for length in (len(word) - 1, len(word), len(word) + 1):
            pool = self._vocab_by_len.get(length)
            if not pool:
                continue
            found = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=80)
            if found and found[1] > best_score:
                best, best_score = found[0], found[1]
        self._corrections[word] = best
        return best

    def _words(self, folded: str) -> list[str]:
        drop = boilerplate_words()
        return [self._correct(w) for w in folded.split()
                if w not in STOPWORDS and w not in drop and not w.isdigit() and len(w) > 1]

    def _variants(self, words: list[str]) -> list[list[str]]:
        """The words, and (when a synonym applies) the words with synonyms swapped in, longest match first."""
        syn = synonyms()
        longest = max((len(k) for k in syn), default=0)
        swapped: list[str] = []
        changed = False
        i = 0
        while i < len(words):
            for n in range(min(longest, len(words) - i), 0, -1):
                repl = syn.get(tuple(words[i:i + n]))
                if repl is not None:
                    swapped.extend(repl)
                    changed = True
                    i += n
                    break
            else:
                swapped.append(words[i])
                i += 1
        return [words, swapped] if changed else [words]

    def _clauses(self, text: str) -> list[tuple[list[str], str]]:
        """Clauses of a long text as (content words, role); role: "hire" (a hiring verb just before: the
        title follows), "title" (first clause, or written in capitals inside mixed-case text), "body"."""
        out: list[tuple[list[str], str]] = []
        mixed = any(ch.islower() for ch in text)
        for k, clause in enumerate(c for c in _CLAUSE.split(text) if c.strip()):
            pieces = [(clause, "title" if k == 0 else "body")]
            if mixed:  # capitals inside mixed-case text: "requiere AUXILIAR DE BODEGA con moto"
                runs = _CAPS.findall(clause)
                if runs:
                    pieces = [(r, "title") for r in runs] + [(_CAPS.sub(" . ", clause), pieces[0][1])]
            for piece, role in pieces:
                for sub in piece.split(" . "):
                    raw = fold(sub).split()
                    cut = max((i for i, w in enumerate(raw) if w in _HIRING), default=-1)
                    if cut >= 0:
                        before, after = raw[:cut], raw[cut + 1:]
                        out.append((self._words(" ".join(after)), "hire"))
                        out.append((self._words(" ".join(before)), role))
                    else:
                        out.append((self._words(" ".join(raw)), role))
        return [(w, r) for w, r in out if w]

    def _specificity(self, words: Sequence[str]) -> float:
        """A span headed by a title word ("auxiliar", "soldador") counts fully; one whose first word rarely
        heads a label ("moto", "inventarios") counts less; a lone generic word ("auxiliar") less again."""
        first = stem(words[0])
        factor = 0.6 + 0.4 * self._head_share.get(first, 0.0)
        if len(words) == 1 and words[0] not in self._single_word_labels:
            j = self.word.vocab.get(first)
            idf = float(self.word.idf[j]) if j is not None else SPEC_IDF
            factor *= 0.9 * min(1.0, idf / SPEC_IDF)
        return factor

    def _prepare(self, text: str) -> _Prepared:
        folded = fold(text)
        prep = _Prepared(folded=folded)
        content = self._words(folded)
        if not content:
            return prep
        if len(content) <= LONG_TEXT_WORDS:
            for variant in self._variants(content):
                prep.queries.append(_Query(variant, 1.0))
                if len(variant) >= 3 and self.short_span_weight:
                    for n in range(2, len(variant)):
                        for i in range(len(variant) - n + 1):
                            prep.queries.append(_Query(variant[i:i + n], self.short_span_weight))
            return prep
        prep.long = True
        seen: dict[tuple[str, ...], int] = {}
        budget = MAX_LONG_WORDS
        for words, role in self._clauses(text):
            if budget <= 0:
                break
            words = words[:budget]
            budget -= len(words)
            for variant in self._variants(words):
                for n in range(1, min(MAX_SPAN, len(variant)) + 1):
                    for i in range(len(variant) - n + 1):
                        span = tuple(variant[i:i + n])
                        if role == "hire":
                            base = 1.0 if i == 0 else 0.9
                        elif role == "title":
                            base = 0.95
                        else:
                            base = self.body_weight
                        weight = base * self._specificity(span)
                        j = seen.get(span)
                        if j is None:
                            seen[span] = len(prep.queries)
                            prep.queries.append(_Query(list(span), weight))
                        elif prep.queries[j].weight < weight:
                            prep.queries[j].weight = weight
        return prep

    # --- scoring ------------------------------------------------------------------------------------------
    def _score_queries(self, queries: list[_Query]) -> np.ndarray:
        """(len(queries), n_concepts) concept scores in [0, 1] (not yet multiplied by query weights)."""
        out = np.zeros((len(queries), self.n_concepts))
        if not self.n_forms:
            return out
        k = min(TOP_FORMS, self.n_forms)
        for start in range(0, len(queries), BATCH):
            block = queries[start:start + BATCH]
            cq = [self.char.query_vector(_char_grams(q.words), sublinear=True) for q in block]
            wq = [self.word.query_vector({stem(w): 1.0 for w in q.words}, sublinear=False) for q in block]
            final = self.w_char * self.char.cosine(cq, self.n_forms)
            final += self.w_word * self.word.cosine(wq, self.n_forms)
            top = np.argpartition(-final, k - 1, axis=1)[:, :k] if k < self.n_forms else \
                np.broadcast_to(np.arange(self.n_forms), (len(block), self.n_forms))
            for qi, q in enumerate(block):  # rapidfuzz on each query's best forms
                cand = top[qi][final[qi, top[qi]] > 0]
                if len(cand):
                    qtext = " ".join(q.words)
                    choices = [self.form_fold[i] for i in cand.tolist()]
                    fz = np.maximum(process.cdist([qtext], choices, scorer=fuzz.ratio)[0],
                                    process.cdist([qtext], choices, scorer=fuzz.token_sort_ratio)[0])
                    final[qi, cand] += (self.w_fuzz / 100.0) * fz
            np.minimum(final, 0.99, out=final)
            for qi, q in enumerate(block):
                for i in self._form_exact.get(" ".join(q.words), ()):
                    final[qi, i] = 1.0
            final *= self.form_weight
            concept = out[start:start + len(block)]
            concept[:, self._concept_has_form] = np.maximum.reduceat(final, self._concept_starts, axis=1)
            if self.group_weight and self._has_group.any():
                occ = concept[:, :self.n_occupations]
                inherited = self.group_weight * concept[:, np.maximum(self.group_of, 0)] * self._has_group
                np.maximum(occ, inherited, out=occ)
        return out

    def _combine(self, prep: _Prepared, scores: np.ndarray, text: str) -> np.ndarray:
        if not prep.queries:
            return np.zeros(self.n_concepts)
        weights = np.asarray([q.weight for q in prep.queries])
        combined = (scores * weights[:, None]).max(axis=0)
        if prep.long:
            self._ensure_skills()
        if prep.long and len(self._ess_occ):
            found = [f for f in self.classify_skills(text, top=50) if f["score"] >= 0.95]
            if found:
                pos = {u: i for i, u in enumerate(self.skill_uri)}
                hit = np.zeros(len(self.skill_uri), dtype=bool)
                for f in found:
                    hit[pos[f["code"]]] = True
                counts = np.bincount(self._ess_occ[hit[self._ess_skill]], minlength=self.n_occupations)
                # up to SKILL_BOOST of the score is kept for occupations whose essential skills the text names
                combined[:self.n_occupations] *= (1.0 - SKILL_BOOST) + SKILL_BOOST * np.minimum(counts, 3) / 3.0
        return combined

    def _results(self, combined: np.ndarray, top: int, kinds: Sequence[str]) -> list[dict]:
        if top <= 0:
            return []
        mask = np.zeros(self.n_concepts, dtype=bool)
        if "occupation" in kinds:
            mask[:self.n_occupations] = True
        if "isco" in kinds:
            mask[self.n_occupations:] = True
        cand = np.flatnonzero(mask & (combined > 0))
        if not len(cand):
            return []
        order = cand[np.lexsort((cand, -np.round(combined[cand], 6)))][:top]
        return [
            {"code": self.uri[c], "isco": self.isco[c], "label": self.label[c],
             "score": round(float(min(max(combined[c], 0.0), 1.0)), 4), "id": self.ids[c], "kind": self.kind[c]}
            for c in order.tolist()
        ]

    def classify(self, text: str, top: int = 5, *, kinds: Sequence[str] = ("occupation",)) -> list[dict]:
        return self.classify_batch([text], top=top, kinds=kinds)[0]

    def classify_batch(self, texts: Sequence[str], top: int = 5, *,
                       kinds: Sequence[str] = ("occupation",)) -> list[list[dict]]:
        """One result list per text (``[]`` for an empty one); queries of many texts share each block."""
        preps = [self._prepare(t or "") for t in texts]
        results: list[list[dict]] = []
        i = 0
        while i < len(preps):  # blocks of whole texts, about 4·BATCH queries each: bounded memory
            j, total = i, 0
            while j < len(preps) and (j == i or total + len(preps[j].queries) <= 4 * BATCH):
                total += len(preps[j].queries)
                j += 1
            scores = self._score_queries([q for p in preps[i:j] for q in p.queries])
            offset = 0
            for prep, text in zip(preps[i:j], texts[i:j], strict=True):
                n = len(prep.queries)
                combined = self._combine(prep, scores[offset:offset + n], text or "")
                results.append(self._results(combined, top, kinds))
                offset += n
            i = j
        return results

    # --- skills extraction ---------------------------------------------------------------------------------
    def classify_skills(self, text: str, top: int = 10) -> list[dict]:
        """Skills named in ``text``: every skill form whose (stemmed) words all, or nearly all (idf-weighted
        share ≥ 0.8), occur close together in the text. Score = share × closeness × label weight."""
        self._ensure_skills()
        if not len(self.skill_concept) or top <= 0:
            return []
        words = [self._correct(w) for w in _content(fold(text).split()) if len(w) > 1]
        if not words:
            return []
        stems = [stem(w) for w in words]
        positions: dict[int, list[int]] = {}
        for p, s in enumerate(stems):
            j = self._skill_stem_ids.get(s)
            if j is not None:
                positions.setdefault(j, []).append(p)
        if not positions:
            return []
        idx = np.concatenate([self._skill_rows[self._skill_ptr[j]:self._skill_ptr[j + 1]] for j in positions])
        val = np.concatenate([np.full(self._skill_ptr[j + 1] - self._skill_ptr[j], self._skill_idf[j])
                              for j in positions])
        covered = np.bincount(idx, weights=val, minlength=len(self.skill_form_stems))
        share = np.divide(covered, self._skill_mass, out=np.zeros_like(covered), where=self._skill_mass > 0)
        best: dict[int, tuple[float, int]] = {}
        for f in np.flatnonzero(share >= 0.8).tolist():
            form = self.skill_form_stems[f]
            pos_lists = [positions.get(self._skill_stem_ids[s], []) for s in form]
            present = [pl for pl in pos_lists if pl]
            # closeness: the matched words fit in a window not much longer than the label
            anchors = present[0]
            span = min(
                max(min(abs(p - a) for p in pl) for pl in present) for a in anchors
            ) + 1 if present else 0
            closeness = 1.0 if span <= len(form) + 1 else (0.85 if span <= len(form) + 4 else 0.0)
            if not closeness:
                continue
            score = float(share[f]) * closeness * (0.97 if len(form) == 1 else 1.0)
            c = int(self.skill_concept[f])
            cur = best.get(c)
            if cur is None or (score, len(form)) > (cur[0], len(self.skill_form_stems[cur[1]])):
                best[c] = (score, f)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -len(self.skill_form_stems[kv[1][1]]),
                                                      self.skill_label[kv[0]]))
        return [
            {"code": self.skill_uri[c], "label": self.skill_label[c], "score": round(min(score, 1.0), 4),
             "id": self.skill_ids[c], "matched_label": self.skill_form_text[f]}
            for c, (score, f) in ranked[:top]
        ]


def label_key(text: str) -> str:
    """The index key of a label: folded, stopwords dropped ("técnico en X" and "técnico de X" are one key)."""
    f = fold(text)
    return " ".join(_content(f.split()) or f.split())


def holdout_split(occupations: Sequence[OccupationEntry], share: float, seed: int
                  ) -> tuple[list[OccupationEntry], list[tuple[str, str, str]]]:
    """Hold out a seeded ``share`` of the (occupation, alternative label) pairs, for evaluation.

    Returns the occupations without the held-out labels, and the held-out ``(label, uri, isco)`` whose key
    (``label_key``, also of each gendered half) is not still in the occupation's remaining labels: a
    classifier built from the first list has none of the second in its index for their own occupation.
    """
    import random

    rng = random.Random(seed)
    kept_occ: list[OccupationEntry] = []
    held: list[tuple[str, str, str]] = []
    for occ in occupations:
        keep, out = [], []
        for alt in occ.alt_labels:
            (out if rng.random() < share else keep).append(alt)
        kept_occ.append(OccupationEntry(uri=occ.uri, isco=occ.isco, label=occ.label, alt_labels=tuple(keep),
                                        id=occ.id, essential_skills=occ.essential_skills))
        remaining = {label_key(h) for t in [occ.label, *keep] for h in [t, *split_gendered(t)]}
        for alt in out:
            if not any(label_key(h) in remaining for h in [alt, *split_gendered(alt)]):
                held.append((alt, occ.uri, occ.isco))
    return kept_occ, held


# --- building from the ESCO CSV files (evaluation, no database) ---------------------------------------------

def read_esco(esco_dir: Path | str) -> tuple[list[OccupationEntry], dict[str, str], list[SkillEntry]]:
    """Occupations (with essential skills), ISCO unit-group labels and skills from ``shared/data/esco``."""
    import csv
    import gzip

    esco_dir = Path(esco_dir)

    def rows(name: str):
        opener = gzip.open if name.endswith(".gz") else open
        with opener(esco_dir / name, "rt", encoding="utf-8", newline="") as fh:
            yield from csv.DictReader(fh)

    def lines(value: str) -> list[str]:
        return [" ".join(v.split()) for v in (value or "").split("\n") if v.strip()]

    essential: dict[str, list[str]] = {}
    rel = esco_dir / "occupation_skill_relations.csv.gz"
    if rel.is_file():
        for r in rows(rel.name):
            if r["relationType"] == "essential":
                essential.setdefault(r["occupationUri"], []).append(r["skillUri"])
    occupations = [
        OccupationEntry(uri=r["conceptUri"], isco=r["iscoGroup"].strip(), label=" ".join(r["preferredLabel"].split()),
                        alt_labels=tuple(lines(r["altLabels"])), id=i + 1,
                        essential_skills=tuple(essential.get(r["conceptUri"], ())))
        for i, r in enumerate(rows("occupations_es.csv"))
    ]
    groups = {r["code"].strip(): " ".join(r["preferredLabel"].split()) for r in rows("ISCOGroups_es.csv")
              if len(r["code"].strip()) == 4}
    skills = [SkillEntry(uri=r["conceptUri"], label=" ".join(r["preferredLabel"].split()),
                         alt_labels=tuple(lines(r["altLabels"])), id=i + 1)
              for i, r in enumerate(rows("skills_es.csv"))]
    return occupations, groups, skills
