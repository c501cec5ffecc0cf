"""Quality of the free-text occupation classifier (issue 3, "Quality"), against the exact-lookup baseline.

Run by hand from the project root (no database: the pure core is built from the ESCO CSV files)::

    .venv/bin/python bench/classifier_eval.py [--data ../shared/data] [--holdout 0.2] [--seed 7]

Three evaluations, each with the baseline in the same run:

(a) MELO ``esp_q_es_c_es`` (Spanish national occupation titles → ESCO; concept-level protocol of
    ``eval/melo_es/README.md``): MRR and recall@1/5/10 over all 1,580 queries (ISCO groups are candidates
    too, as 193 gold concepts are ISCO groups), and over the 1,387 queries whose gold is an occupation
    (occupations only). Nothing of MELO is in the index: our ESCO v1.0.3 labels are the candidates.
(b) Held-out ESCO alternative labels: a seeded share of the (occupation, alternative label) pairs is removed,
    the classifier is built without them, and each is classified back. Held-out labels whose folded text
    is still in the index for the same occupation (the gendered half of its preferred label, or another of
    its alternative labels that folds the same) are not asked: nothing held out is in the index.
    Top-1/top-5 accuracy at ESCO occupation and ISCO-4 level.
(c) Long noisy vacancy descriptions (``bench/vacancy_descriptions.jsonl``, written for this test in
    Colombian job-ad style, with the acceptable ISCO-4 codes): top-1 / top-5 ISCO-4 accuracy, apart for the
    ``dev`` split (looked at while ``classify_data/synonyms.tsv`` was written) and the ``test`` split
    (written afterwards, not tuned on).

Baseline: exact normalised-label lookup (fold: lower case, no accents or punctuation; a hit on any
preferred/alternative label or gendered half; ISCO group labels too for MELO). For (c) a stronger second
baseline is shown: the longest label contained in the text.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from siee.matching.classifier import (  # noqa: E402
    OccupationClassifier,
    fold,
    holdout_split,
    read_esco,
    split_gendered,
)

# --- the baseline -----------------------------------------------------------------------------------------

class ExactLookup:
    """folded label → concepts (preferred-label hits first)."""

    def __init__(self, occupations, groups: dict[str, str] | None = None):
        self.table: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)  # key -> [(uri, isco)]
        for occ in occupations:
            forms = [(h, 0) for h in split_gendered(occ.label)] + [(occ.label, 0)]
            forms += [(h, 1) for a in occ.alt_labels for h in split_gendered(a)]
            for text, _rank in sorted(forms, key=lambda f: f[1]):
                entry = (occ.uri, occ.isco)
                key = fold(text)
                if key and entry not in self.table[key]:
                    self.table[key].append(entry)
        for code, label in (groups or {}).items():
            self.table[fold(label)].append((f"http://data.europa.eu/esco/isco/C{code}", code))

    def rank(self, text: str) -> list[tuple[str, str]]:
        return self.table.get(fold(text), [])

    def longest_contained(self, text: str) -> list[tuple[str, str]]:
        padded = f" {fold(text)} "
        hits = [k for k in self.table if len(k) > 3 and f" {k} " in padded]
        hits.sort(key=len, reverse=True)
        out: list[tuple[str, str]] = []
        for k in hits:
            for e in self.table[k]:
                if e not in out:
                    out.append(e)
        return out


# --- metrics ----------------------------------------------------------------------------------------------

def rank_metrics(ranks: list[int | None], ks=(1, 5, 10)) -> dict:
    n = len(ranks) or 1
    out = {"MRR": sum(1 / r for r in ranks if r) / n}
    for k in ks:
        out[f"R@{k}"] = sum(1 for r in ranks if r and r <= k) / n
    return out


def first_rank(ranked: list[str], gold: set[str]) -> int | None:
    return next((i for i, u in enumerate(ranked, 1) if u in gold), None)


def dedupe(seq):
    return list(dict.fromkeys(seq))


# --- (a) MELO ---------------------------------------------------------------------------------------------

def load_melo(melo_dir: Path):
    def load(name):
        with open(melo_dir / name, encoding="utf-8") as f:
            return [line.rstrip("\n").split("\t") for line in f]

    queries = dict(load("queries.tsv"))
    concept_of = dict(load("concept_mapping.tsv"))
    relevant = collections.defaultdict(set)
    for qid, _, cid, rel in load("annotations.tsv"):
        if rel == "1":
            relevant[qid].add(cid)
    gold = {q: {concept_of[c] for c in cs} for q, cs in relevant.items()}
    return queries, gold


def eval_melo(clf: OccupationClassifier, base: ExactLookup, melo_dir: Path) -> dict:
    queries, gold = load_melo(melo_dir)
    qids = list(queries)
    texts = [queries[q] for q in qids]
    started, cpu = time.perf_counter(), time.process_time()
    both = clf.classify_batch(texts, top=10, kinds=("occupation", "isco"))
    occ_only = clf.classify_batch(texts, top=10)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    occ_q = [i for i, q in enumerate(qids) if all("/occupation/" in g for g in gold[q])]
    res = {
        "ours_all": rank_metrics([first_rank([r["code"] for r in both[i]], gold[q]) for i, q in enumerate(qids)]),
        "base_all": rank_metrics([first_rank(dedupe(u for u, _ in base.rank(queries[q])), gold[q]) for q in qids]),
        "ours_occ": rank_metrics([first_rank([r["code"] for r in occ_only[i]], gold[qids[i]]) for i in occ_q]),
        "base_occ": rank_metrics([first_rank(dedupe(u for u, _ in base.rank(queries[qids[i]]) if "/occupation/" in u),
                                             gold[qids[i]]) for i in occ_q]),
        "n_all": len(qids), "n_occ": len(occ_q),
        "lines_per_s": 2 * len(texts) / elapsed, "lines_per_cpu_s": 2 * len(texts) / cpu,
    }
    return res


# --- (b) held-out alternative labels ----------------------------------------------------------------------

def split_holdout(occupations, share: float, seed: int):
    return holdout_split(occupations, share, seed)


def eval_holdout(occupations, groups, skills, share: float, seed: int) -> dict:
    kept, held = split_holdout(occupations, share, seed)
    started = time.perf_counter()
    clf = OccupationClassifier(kept, groups, skills)
    build = time.perf_counter() - started
    leaked = sum(1 for label, uri, _ in held
                 if any(uri in clf.concepts_with_label(h) for h in [label, *split_gendered(label)]))
    base = ExactLookup(kept)
    started, cpu = time.perf_counter(), time.process_time()
    results = clf.classify_batch([h[0] for h in held], top=5)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    def acc(ranked_pairs):
        t1o = t5o = t1i = t5i = 0
        for (uris, iscos), (_, uri, isco) in zip(ranked_pairs, held, strict=True):
            t1o += bool(uris[:1] and uris[0] == uri)
            t5o += uri in uris[:5]
            t1i += bool(iscos[:1] and iscos[0] == isco)
            t5i += isco in iscos[:5]
        n = len(held) or 1
        return {"occ@1": t1o / n, "occ@5": t5o / n, "isco@1": t1i / n, "isco@5": t5i / n}

    ours = acc([([r["code"] for r in res], [r["isco"] for r in res]) for res in results])
    base_pairs = []
    for label, _, _ in held:
        hits = base.rank(label)
        base_pairs.append(([u for u, _ in hits], [i for _, i in hits]))
    return {"ours": ours, "base": acc(base_pairs), "n": len(held), "leaked": leaked, "build_s": build,
            "lines_per_s": len(held) / elapsed, "lines_per_cpu_s": len(held) / cpu}


# --- (c) long descriptions --------------------------------------------------------------------------------

def eval_descriptions(clf: OccupationClassifier, base: ExactLookup, path: Path, verbose: bool,
                      split: str | None = None) -> dict:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [it for it in items if split is None or it.get("split") == split]
    started, cpu = time.perf_counter(), time.process_time()
    results = clf.classify_batch([it["text"] for it in items], top=5)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    ours1 = ours5 = b1 = b5 = c1 = c5 = 0
    for it, res in zip(items, results, strict=True):
        ok = set(it["isco"])
        iscos = [r["isco"] for r in res]
        ours1 += bool(iscos[:1] and iscos[0] in ok)
        ours5 += bool(ok & set(iscos[:5]))
        exact = [i for _, i in base.rank(it["text"])]
        b1 += bool(exact[:1] and exact[0] in ok)
        b5 += bool(ok & set(exact[:5]))
        contained = dedupe(i for _, i in base.longest_contained(it["text"]))
        c1 += bool(contained[:1] and contained[0] in ok)
        c5 += bool(ok & set(contained[:5]))
        if verbose:
            mark = "ok " if iscos[:1] and iscos[0] in ok else "BAD"
            top = res[0] if res else {"isco": "-", "label": "-", "score": 0}
            print(f"  {mark} {it['id']} want {'/'.join(it['isco'])}: {top['isco']} {top['label']} ({top['score']})")
    n = len(items)
    return {"ours": (ours1 / n, ours5 / n), "exact": (b1 / n, b5 / n), "contained": (c1 / n, c5 / n), "n": n,
            "ms_per_text": 1000 * elapsed / n, "cpu_ms_per_text": 1000 * cpu / n}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--holdout", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--descriptions", type=Path, default=ROOT / "bench" / "vacancy_descriptions.jsonl")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each description's top answer")
    args = ap.parse_args()

    started = time.perf_counter()
    occupations, groups, skills = read_esco(args.data / "esco")
    read_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    clf = OccupationClassifier(occupations, groups, skills)
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    clf._ensure_skills()
    skills_s, skills_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    OccupationClassifier(occupations, groups, skills)
    rebuild_s, rebuild_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"ESCO v1.0.3: {len(occupations)} occupations, {len(groups)} ISCO unit groups, {len(skills)} skills; "
          f"{clf.n_forms} occupation/group label forms, {len(clf.skill_form_stems)} skill forms")
    print(f"read CSV {read_s:.1f} s; occupation index build {build_s:.1f} s wall / {build_cpu:.1f} s CPU (first in "
          f"process), {rebuild_s:.1f} s / {rebuild_cpu:.1f} s CPU (again); skills index (built on first use) "
          f"{skills_s:.1f} s / {skills_cpu:.1f} s CPU")

    base_groups = ExactLookup(occupations, groups)
    melo = eval_melo(clf, base_groups, args.data / "eval" / "melo_es")
    hold = eval_holdout(occupations, groups, skills, args.holdout, args.seed)
    desc = {split: eval_descriptions(clf, ExactLookup(occupations), args.descriptions, args.verbose, split)
            for split in ("dev", "test")}

    def row(name, d, keys):
        return f"| {name:<44} | " + " | ".join(f"{d[k]:.3f}" for k in keys) + " |"

    print("\n(a) MELO esp_q_es_c_es, concept level")
    keys = ["MRR", "R@1", "R@5", "R@10"]
    print("| system / queries" + " " * 28 + "| MRR   | R@1   | R@5   | R@10  |")
    print(row(f"ours, all {melo['n_all']} (occupations + ISCO groups)", melo["ours_all"], keys))
    print(row(f"exact lookup, all {melo['n_all']}", melo["base_all"], keys))
    print(row(f"ours, {melo['n_occ']} occupation-gold (occupations)", melo["ours_occ"], keys))
    print(row(f"exact lookup, {melo['n_occ']} occupation-gold", melo["base_occ"], keys))

    print(f"\n(b) held-out ESCO alternative labels: {hold['n']} labels ({args.holdout:.0%} of pairs, seed "
          f"{args.seed}), index built without them in {hold['build_s']:.1f} s; held-out labels found in the "
          f"index for their own occupation: {hold['leaked']}")
    keys = ["occ@1", "occ@5", "isco@1", "isco@5"]
    print("| system" + " " * 39 + "| ESCO@1 | ESCO@5 | ISCO@1 | ISCO@5 |".replace(" |", "|"))
    print(row("ours", hold["ours"], keys))
    print(row("exact lookup", hold["base"], keys))

    print("\n(c) long vacancy descriptions, ISCO-4 accuracy. dev: the 22 descriptions looked at while the "
          "synonym list was written; test: 18 written afterwards (first run, untouched: 0.611 / 0.778; since "
          "then two generic fixes were made after reading its failures, no synonym was added for it)")
    print("| system" + " " * 39 + "| dev@1 | dev@5 | test@1| test@5|")
    for name, key in (("ours", "ours"), ("exact lookup (whole text)", "exact"),
                      ("longest label contained in the text", "contained")):
        d, t = desc["dev"][key], desc["test"][key]
        print(f"| {name:<44} | {d[0]:.3f} | {d[1]:.3f} | {t[0]:.3f} | {t[1]:.3f} |")
    print(f"\nspeed (batch path, one process; wall clock, then CPU time, which a busy machine inflates less): "
          f"MELO titles {melo['lines_per_s']:.0f} / {melo['lines_per_cpu_s']:.0f} lines/s, held-out labels "
          f"{hold['lines_per_s']:.0f} / {hold['lines_per_cpu_s']:.0f} lines/s, long descriptions "
          f"{desc['test']['ms_per_text']:.0f} / {desc['test']['cpu_ms_per_text']:.0f} ms each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
