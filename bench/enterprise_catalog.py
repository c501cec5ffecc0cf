"""Benchmark: public catalogue search over 100,000 products (issue 6), against a plain `icontains` query.

    .venv/bin/python bench/enterprise_catalog.py [--products 100000] [--repeat 5] [--db PATH]

Builds a fresh SQLite database (or `--db PATH`, reused when it already holds the products; or
SIEE_BENCH_DATABASE_URL, e.g. postgresql://siee:siee@127.0.0.1:5432/siee_bench) with `--products` products of
published initiatives (10 products each, 80% in the Bucaramanga metropolitan area, Spanish product names and
descriptions drawn from a fixed vocabulary), indexed as the services index them (CatalogTerm rows). Then runs a
fixed mix of 24 queries (single words, two words, accented and unaccented, typos, with and without the territory
filter) `--repeat` times each, and prints p50 / p95 / max latency of:

* `siee.enterprise.catalog.search(..., limit=20)`: ranked top 20 from the term index (accent- and typo-tolerant);
* baseline A: `Product.objects.filter(name__icontains | description__icontains)` per word, all matching ids
  (what a ranked search built on `icontains` would have to read);
* baseline B: the same `icontains` query with LIMIT 20 (unranked: the first 20 rows the database finds).

It also prints how many queries each finds nothing for (icontains misses accents and typos).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

NOUNS = ["pan", "arepa", "almojábana", "torta", "galleta", "empanada", "tamal", "queso", "yogur", "miel", "café",
         "chocolate", "mermelada", "camisa", "pantalón", "uniforme", "vestido", "zapato", "bolso", "mochila", "cinturón",
         "mesa", "silla", "closet", "cama", "repisa", "jabón", "champú", "vela", "hamaca", "sombrero", "collar",
         "pulsera", "aretes", "cerámica", "maceta", "planta", "hortaliza", "tomate", "lechuga", "cilantro", "huevo",
         "pollo", "chorizo", "salsa", "ají", "jugo", "limonada", "helado", "postre", "buñuelo", "pandebono"]
ADJECTIVES = ["artesanal", "integral", "orgánico", "casero", "tradicional", "santandereano", "venezolano", "fino",
              "económico", "premium", "natural", "fresco", "bordado", "tejido", "reciclado", "ecológico", "dulce",
              "picante", "grande", "pequeño", "familiar", "especial"]
SERVICES = ["reparación de celulares", "corte de cabello", "manicure", "arreglos de costura", "aseo de oficinas",
            "domicilios", "fotografía de eventos", "clases de inglés", "mantenimiento de computadores", "pintura de casas"]
WORDS = ["hecho a mano", "con ingredientes locales", "entrega a domicilio", "por docena", "por libra", "sin conservantes",
         "para eventos", "al por mayor", "en tallas", "a la medida", "garantía", "desde el barrio", "receta de la abuela"]
QUERIES = [("pan", True), ("pan", False), ("pan integral", True), ("arepa", False), ("almojabana", True),
           ("almojábanas", False), ("uniformes bordados", True), ("zapatos", False), ("miel organica", True),
           ("reparacion celulares", False), ("corte de cabello", True), ("panadria", False), ("chocolate", True),
           ("queso", False), ("mochila tejida", True), ("ceramica", False), ("hamaca", True), ("tamales", False),
           ("empanadas", True), ("jabon natural", False), ("helado", True), ("postre casero", False),
           ("pandebono", True), ("closet a la medida", False)]


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


def build(n_products: int, seed: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from siee.core.demo import generate_demo
    from siee.core.models import Territory
    from siee.core.selectors import find_territory
    from siee.enterprise import catalog
    from siee.enterprise.models import BusinessInitiative, CatalogTerm, Product, Stage
    from siee.people.models import Person
    from siee.taxonomy.models import Sector

    if not Person.objects.exists():
        generate_demo(people=1000, vacancies=0, seed=seed)
    rng = random.Random(seed)
    people = list(Person.objects.values_list("pk", flat=True))
    metro = [find_territory(c) for c in ("68001", "68276", "68307", "68547")]
    others = list(Territory.objects.filter(level=2).exclude(pk__in=[t.pk for t in metro]).order_by("pk")[:200])
    sectors = list(Sector.objects.filter(level=2))
    n_init = max(1, n_products // 10)
    now = timezone.now()
    t0 = time.perf_counter()
    words = set()
    for start in range(0, n_init, 1000):
        with transaction.atomic():
            inis = []
            for i in range(start, min(n_init, start + 1000)):
                muni = rng.choice(metro) if rng.random() < 0.8 else rng.choice(others)
                inis.append(BusinessInitiative(
                    name=f"{rng.choice(['Panadería', 'Confecciones', 'Artesanías', 'Sabores', 'Tienda', 'Taller'])} "
                         f"{rng.choice(ADJECTIVES).title()} {i}",
                    sector=rng.choice(sectors), stage=Stage.OPERATING, owner_id=rng.choice(people), municipality=muni,
                    created_at=now, public=True, slug=f"bench-{i}", whatsapp="3115550000"))
            BusinessInitiative.objects.bulk_create(inis, batch_size=1000)
            inis = list(BusinessInitiative.objects.filter(slug__in=[x.slug for x in inis]).select_related("sector"))
            products = []
            for ini in inis:
                for _ in range(10):
                    if rng.random() < 0.15:
                        name = rng.choice(SERVICES).capitalize()
                        kind = "service"
                    else:
                        name = f"{rng.choice(NOUNS).capitalize()} {rng.choice(ADJECTIVES)}"
                        kind = "product"
                    desc = f"{name} {rng.choice(WORDS)}, {rng.choice(WORDS)}. {rng.choice(NOUNS)} y {rng.choice(NOUNS)}."
                    p = Product(initiative=ini, kind=kind, name=name, description=desc,
                                price_min=rng.randrange(1000, 200000, 500))
                    p.search_text = catalog.search_text(p, ini)
                    products.append(p)
            Product.objects.bulk_create(products, batch_size=2000)
            terms = []
            for p in products:
                for term, weight in catalog.product_terms(p, p.initiative).items():
                    terms.append(CatalogTerm(term=term, product_id=p.pk, municipality_id=p.initiative.municipality_id,
                                             sector_id=p.initiative.sector_id, weight=weight))
                    words.add(term)
            CatalogTerm.objects.bulk_create(terms, batch_size=5000)
        print(f"  {min(n_init, start + 1000) * 10:,} productos…", end="\r", flush=True)
    catalog.add_words(words)
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    elif connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    print(f"\n{Product.objects.count():,} productos, {CatalogTerm.objects.count():,} términos indexados "
          f"en {time.perf_counter() - t0:.1f} s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--products", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--db")
    args = ap.parse_args()
    url = os.environ.get("SIEE_BENCH_DATABASE_URL")
    if not url:
        path = args.db or os.path.join(tempfile.mkdtemp(prefix="siee-bench-catalog-"), "siee.sqlite3")
        url = f"sqlite:///{path}"
    os.environ["SIEE_DATABASE_URL"] = url
    from siee.cli import ensure_database, setup_django

    setup_django()
    ensure_database()
    from django.db import connection

    from siee.core.selectors import find_territory, territory_subtree_ids
    from siee.enterprise import catalog
    from siee.enterprise.models import Product

    print(f"Base de datos: {connection.vendor} ({url.split('@')[-1]})")
    if Product.objects.count() < args.products:
        build(args.products - Product.objects.count(), args.seed)
    territory = territory_subtree_ids([find_territory("68001")])
    timings = {"index": [], "icontains_all": [], "icontains_20": []}
    empty = {"index": 0, "icontains_all": 0}
    for q, local in QUERIES:  # warm-up, and the hit counts
        t = territory if local else None
        empty["index"] += not catalog.search(q, territory_ids=t, limit=20)
        empty["icontains_all"] += not catalog.icontains_search(q, territory_ids=t)
    for _ in range(args.repeat):
        for q, local in QUERIES:
            t = territory if local else None
            s = time.perf_counter()
            catalog.search(q, territory_ids=t, limit=20)
            timings["index"].append(time.perf_counter() - s)
            s = time.perf_counter()
            catalog.icontains_search(q, territory_ids=t)
            timings["icontains_all"].append(time.perf_counter() - s)
            s = time.perf_counter()
            catalog.icontains_search(q, territory_ids=t, limit=20)
            timings["icontains_20"].append(time.perf_counter() - s)
    n = Product.objects.count()
    print(f"{n:,} productos; {len(QUERIES)} consultas x {args.repeat} repeticiones; carga: {os.getloadavg()[0]:.2f}")
    labels = {"index": "índice de términos (top 20 ordenado)", "icontains_all": "icontains (todas las coincidencias)",
              "icontains_20": "icontains LIMIT 20 (sin orden)"}
    for key, values in timings.items():
        ms = [v * 1000 for v in values]
        print(f"  {labels[key]:40s} p50 {statistics.median(ms):7.1f} ms  p95 {_percentile(ms, 95):7.1f} ms  "
              f"máx {max(ms):7.1f} ms")
    p95 = {k: _percentile(v, 95) for k, v in timings.items()}
    print(f"  razón p95 icontains(todas) / índice: {p95['icontains_all'] / p95['index']:.1f}x; "
          f"icontains LIMIT 20 / índice: {p95['icontains_20'] / p95['index']:.1f}x")
    print(f"  consultas sin resultado: índice {empty['index']}, icontains {empty['icontains_all']} de {len(QUERIES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
