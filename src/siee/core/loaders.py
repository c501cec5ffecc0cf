"""Territory loaders: official divisions of Colombia, Chile, Ecuador and Peru.

Two sources, same CSV columns (``country,level,code,name,parent_code,lat,lon``):

* the reference files ``<source_dir>/geo/{co,cl,ec,pe}.csv`` (all 5,278 official units, see the geo README);
  they have no country row, so a level-0 node per country (code = ISO 3166-1 alpha-2) is created here;
* the built-in starter set ``siee/core/starter/territories.csv`` (country rows, every level-1 unit and the main
  municipalities), used when no reference directory is available.

Rows are upserted by the natural key ``(country, code)``: re-running never duplicates, and loading the
reference files over a starter-loaded database upgrades the same rows in place (ids are kept, so people and
vacancies keep pointing at them).

``path`` is a materialised path of codes, each segment terminated by ``/``: ``"CO/"``, ``"CO/68/"``,
``"CO/68/68001/"``. A descendant's path starts with its ancestor's path, and no sibling is a prefix of another
(``"CO/6/"`` is not a prefix of ``"CO/68/"``), so ``path__startswith`` selects exactly a subtree.
Custom groups (level 9) get ``"<country>/~<code>/"``: they sit under their country and have no descendants;
their municipalities are in ``members``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from siee.core.models import Territory, TerritoryLevel

STARTER_FILE = Path(__file__).resolve().parent / "starter" / "territories.csv"
REFERENCE_FILES = {"CO": "co.csv", "CL": "cl.csv", "EC": "ec.csv", "PE": "pe.csv"}
COUNTRY_NAMES = {"CO": "Colombia", "CL": "Chile", "EC": "Ecuador", "PE": "Perú"}
UPDATE_FIELDS = ["level", "name", "parent", "path", "lat", "lon", "source"]


def _float(value: str | None) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _rows_from_reference(source_dir: Path, countries: Iterable[str]) -> list[dict]:
    rows: list[dict] = []
    for country in countries:
        path = Path(source_dir) / "geo" / REFERENCE_FILES[country]
        if not path.is_file():
            raise FileNotFoundError(f"missing territory file {path}")
        rows.append({"country": country, "level": "0", "code": country, "name": COUNTRY_NAMES[country],
                     "parent_code": "", "lat": "", "lon": ""})
        rows.extend(_read_csv(path))
    return rows


def _normalise(rows: list[dict], countries: set[str]) -> list[dict]:
    """Clean rows, keep the requested countries, give level-1 units their country as parent."""
    out = []
    for row in rows:
        country = row["country"].strip().upper()
        if country not in countries:
            continue
        level = int(row["level"])
        code = row["code"].strip()
        parent_code = (row.get("parent_code") or "").strip()
        if level == TerritoryLevel.REGION and not parent_code:
            parent_code = country
        out.append({
            "country": country, "level": level, "code": code, "name": row["name"].strip(),
            "parent_code": parent_code, "lat": _float(row.get("lat")), "lon": _float(row.get("lon")),
        })
    out.sort(key=lambda r: (r["level"], r["country"], r["code"]))
    return out


def load_territories(*, source_dir: Path | None, countries: list[str] | None = None, progress: bool = False) -> dict:
    """Load or refresh territories; returns counts ``{"created", "updated", "unchanged", "total", "source", ...}``.

    With ``source_dir`` (the folder that contains ``geo/``) the official files are read; without it, the
    starter set. ``countries`` limits the load to some ISO codes (default: all four).
    """
    wanted = [c.upper() for c in (countries or REFERENCE_FILES)]
    unknown = [c for c in wanted if c not in REFERENCE_FILES]
    if unknown:
        raise ValueError(f"unknown country code(s): {', '.join(unknown)}")
    if source_dir is not None:
        raw = _rows_from_reference(Path(source_dir), wanted)
        source = "reference"
    else:
        raw = _read_csv(STARTER_FILE)
        source = "starter"
    rows = _normalise(raw, set(wanted))

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(rows), desc=f"territorios ({source})", unit="filas")

    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {(t.country, t.code): t for t in Territory.objects.filter(country__in=wanted)}
        # Levels are processed in order so that every parent has an id and a path before its children.
        by_level: dict[int, list[dict]] = {}
        for row in rows:
            by_level.setdefault(row["level"], []).append(row)
        for level in sorted(by_level):
            to_create: list[Territory] = []
            to_update: list[Territory] = []
            for row in by_level[level]:
                key = (row["country"], row["code"])
                if row["parent_code"]:
                    parent = existing.get((row["country"], row["parent_code"]))
                    if parent is None:
                        raise ValueError(f"{row['country']} {row['code']}: unknown parent {row['parent_code']}")
                    path = f"{parent.path}{row['code']}/"
                else:
                    parent = None
                    path = f"{row['country']}/"
                values = {"level": level, "name": row["name"], "parent": parent, "path": path,
                          "lat": row["lat"], "lon": row["lon"], "source": source}
                obj = existing.get(key)
                if obj is None:
                    obj = Territory(country=row["country"], code=row["code"], **values)
                    to_create.append(obj)
                    existing[key] = obj
                else:
                    changed = False
                    for field, value in values.items():
                        current = obj.parent_id if field == "parent" else getattr(obj, field)
                        new = (value.pk if value is not None else None) if field == "parent" else value
                        if current != new:
                            setattr(obj, field, value)
                            changed = True
                    if changed:
                        to_update.append(obj)
                    else:
                        unchanged += 1
            if to_create:
                Territory.objects.bulk_create(to_create, batch_size=1000)
                if any(t.pk is None for t in to_create):  # backends without RETURNING
                    ids = dict(
                        Territory.objects.filter(country__in=wanted, level=level).values_list("code", "pk")
                    )
                    for t in to_create:
                        t.pk = ids[t.code]
            if to_update:
                Territory.objects.bulk_update(to_update, UPDATE_FIELDS, batch_size=1000)
            created += len(to_create)
            updated += len(to_update)
            if bar is not None:
                bar.update(len(by_level[level]))
    if bar is not None:
        bar.close()

    per_country: dict[str, dict[int, int]] = {}
    for row in rows:
        per_country.setdefault(row["country"], {}).setdefault(row["level"], 0)
        per_country[row["country"]][row["level"]] += 1
    return {
        "source": source, "created": created, "updated": updated, "unchanged": unchanged, "total": len(rows),
        "countries": {c: dict(sorted(levels.items())) for c, levels in sorted(per_country.items())},
    }


def create_territory_group(*, name: str, code: str, country: str, member_codes: list[str]) -> Territory:
    """Create or update a custom territory (level 9, e.g. a Chile Emprende territory) made of municipalities.

    Idempotent by ``(country, code)``; the member list is replaced. Raises ``ValueError`` for unknown codes.
    """
    country = country.upper()
    members = list(Territory.objects.filter(country=country, code__in=member_codes))
    missing = sorted(set(member_codes) - {m.code for m in members})
    if missing:
        raise ValueError(f"unknown territory code(s) in {country}: {', '.join(missing)}")
    if Territory.objects.filter(country=country, code=code).exclude(level=TerritoryLevel.GROUP).exists():
        raise ValueError(f"{country} {code} is an official territory, not a group")
    parent = Territory.objects.filter(country=country, level=TerritoryLevel.COUNTRY).first()
    with transaction.atomic():
        group, _ = Territory.objects.update_or_create(
            country=country, code=code,
            defaults={"level": TerritoryLevel.GROUP, "name": name, "parent": parent,
                      "path": f"{country}/~{code}/", "source": "custom"},
        )
        group.members.set(members)
    return group
