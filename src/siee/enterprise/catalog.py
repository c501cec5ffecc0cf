"""Public catalogue search: a term index kept in the database (CatalogTerm), accent- and typo-tolerant.

Indexing: every active product of a published initiative gets one CatalogTerm row per stemmed, accent-folded
term (`siee.lib.text.tokens(stem=True)`): terms of the product name weigh 1.0, terms of its description, the
initiative's name and the sector weigh 0.5. The municipality is copied into the row so the territory filter
runs inside the same index range scan.

Search: each query term matches index terms equal to it (quality 1.0) or starting with it (0.8, so "pan" finds
"panadería"); a term with no such match is replaced by the closest vocabulary words (rapidfuzz ratio >= 75,
quality 0.7 x similarity), which absorbs typos ("panaderia" / "panadria"). Scores add up per product in SQL
(GROUP BY) and are divided by the number of query terms. The result is stateless: nothing is cached in the
process, so any number of workers can serve it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, F, FloatField, Q, Sum, Value, When
from django.urls import reverse

from siee.enterprise.models import BusinessInitiative, CatalogTerm, CatalogWord, Product
from siee.lib.text import fold, tokens

NAME_WEIGHT, OTHER_WEIGHT = 1.0, 0.5
PREFIX_QUALITY, FUZZY_QUALITY, FUZZY_CUTOFF = 0.8, 0.7, 75
MAX_TERM = 40


def product_terms(product: Product, initiative: BusinessInitiative) -> dict[str, float]:
    terms: dict[str, float] = {}
    other = " ".join([product.description, initiative.name, initiative.sector.label if initiative.sector_id else ""])
    for term in tokens(other, stem=True):
        if len(term) > 1:
            terms[term[:MAX_TERM]] = OTHER_WEIGHT
    for term in tokens(product.name, stem=True):
        if len(term) > 1:
            terms[term[:MAX_TERM]] = NAME_WEIGHT
    return terms


def search_text(product: Product, initiative: BusinessInitiative) -> str:
    return fold(" ".join([product.name, product.description, initiative.name]))


def index_initiative(initiative: BusinessInitiative) -> int:
    """(Re)build the index rows of one initiative's products. Returns the number of rows written."""
    CatalogTerm.objects.filter(product__initiative=initiative).delete()
    if not initiative.public or initiative.stage == 90:
        return 0
    rows, words = [], set()
    for product in initiative.products.filter(active=True):
        for term, weight in product_terms(product, initiative).items():
            rows.append(CatalogTerm(term=term, product=product, municipality_id=initiative.municipality_id,
                                    sector_id=initiative.sector_id, weight=weight))
            words.add(term)
    CatalogTerm.objects.bulk_create(rows, batch_size=2000)
    add_words(words)
    return len(rows)


def add_words(words) -> None:
    known = set(CatalogWord.objects.filter(term__in=list(words)).values_list("term", flat=True)) if len(words) < 900 else \
        set(CatalogWord.objects.values_list("term", flat=True))
    CatalogWord.objects.bulk_create([CatalogWord(term=w) for w in sorted(set(words) - known)], batch_size=2000,
                                    ignore_conflicts=True)


def prefix_q(term: str, field: str = "term") -> Q:
    """Terms starting with `term`, as a range (term <= x < next) so that both SQLite and PostgreSQL use the index
    (SQLite's LIKE is case-insensitive and cannot use an ordinary index)."""
    upper = term[:-1] + chr(ord(term[-1]) + 1)
    return Q(**{f"{field}__gte": term, f"{field}__lt": upper})


def _fuzzy(term: str) -> list[tuple[str, float]]:
    from rapidfuzz import fuzz, process

    if len(term) < 4:
        return []
    vocabulary = list(CatalogWord.objects.filter(prefix_q(term[0])).values_list("term", flat=True))
    found = process.extract(term, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
    return [(word, FUZZY_QUALITY * score / 100.0) for word, score, _ in found]


def _price(p: Product) -> str:
    def fmt(x: Decimal) -> str:
        return f"{x:,.0f}".replace(",", ".")
    if p.price_min is None and p.price_max is None:
        return ""
    if p.price_max is None or p.price_max == p.price_min:
        return f"{p.initiative.currency} {fmt(p.price_min if p.price_min is not None else p.price_max)}"
    if p.price_min is None:
        return f"{p.initiative.currency} {fmt(p.price_max)}"
    return f"{p.initiative.currency} {fmt(p.price_min)} - {fmt(p.price_max)}"


def search(text: str, *, territory_ids: set[int] | None = None, sector_id: int | None = None, limit: int = 20,
           offset: int = 0) -> list[dict]:
    """Ranked public products for `text` (empty text: latest products), limited to municipalities in
    `territory_ids` when given."""
    query_terms = list(dict.fromkeys(t[:MAX_TERM] for t in tokens(text, stem=True) if t))
    base = CatalogTerm.objects.all()
    if territory_ids is not None:
        base = base.filter(municipality_id__in=list(territory_ids))
    if sector_id:
        base = base.filter(sector_id=sector_id)
    if not query_terms:
        ids = list(base.values_list("product_id", flat=True).distinct().order_by("-product_id")[offset:offset + limit])
        return _results([(pid, 0.0) for pid in ids])
    cond = Q(pk__in=[])
    cases = []
    for term in query_terms:
        exact_or_prefix = prefix_q(term) if len(term) >= 3 else Q(term=term)
        if len(term) >= 3 and not base.filter(exact_or_prefix).exists():
            fuzzy = _fuzzy(term)
            for word, quality in fuzzy:
                cond |= Q(term=word)
                cases.append(When(term=word, then=F("weight") * quality))
            continue
        cond |= exact_or_prefix
        cases.append(When(term=term, then=F("weight")))
        if len(term) >= 3:
            cases.append(When(prefix_q(term), then=F("weight") * PREFIX_QUALITY))
    if not cases:
        return []
    scored = (base.filter(cond).values("product_id")
              .annotate(s=Sum(Case(*cases, default=Value(0.0), output_field=FloatField())))
              .order_by("-s", "product_id")[offset:offset + limit])
    n = len(query_terms)
    return _results([(row["product_id"], min(1.0, row["s"] / n)) for row in scored])


def _results(pairs: list[tuple[int, float]]) -> list[dict]:
    products = Product.objects.select_related("initiative", "initiative__municipality__parent", "initiative__sector").in_bulk(
        [pid for pid, _ in pairs])
    out = []
    for pid, score in pairs:
        p = products.get(pid)
        if p is None:
            continue
        ini = p.initiative
        out.append({
            "product_id": p.pk, "product": p.name, "kind": p.kind, "initiative": ini.name, "initiative_id": ini.pk,
            "price": _price(p), "price_min": float(p.price_min) if p.price_min is not None else None,
            "price_max": float(p.price_max) if p.price_max is not None else None,
            "municipality": ini.municipality.display_name(), "municipality_code": ini.municipality.code,
            "sector": ini.sector.label if ini.sector_id else "", "score": round(score, 4),
            "url": reverse("enterprise:public_initiative", args=[ini.slug]),
        })
    return out


def icontains_search(text: str, *, territory_ids: set[int] | None = None, limit: int | None = None) -> list[int]:
    """The baseline of the benchmark: a plain case-insensitive substring query on name and description."""
    qs = Product.objects.filter(active=True, initiative__public=True)
    for word in text.split():
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if territory_ids is not None:
        qs = qs.filter(initiative__municipality_id__in=list(territory_ids))
    ids = qs.values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)
