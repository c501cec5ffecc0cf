"""Supplier development: rank local suppliers from the public catalogue for a buyer's procurement need.

Each candidate (a published, not closed initiative with at least one product matching the need's text or with
the need's sector) gets a score in [0, 1]: a weighted mean of components, each with a reason a business adviser
can read to the buyer (the same "score with its parts" contract as the matching engine):

    text            0.40  need title words found in the supplier's products (exact 1.0, prefix 0.8; name terms
                          count fully, description terms half)
    sector          0.15  same ISIC division 1.0, same section 0.5, else 0 (left out when the need has no sector)
    location        0.15  same municipality 1.0, else exp(-km / 25) between centroids (the matching engine's
                          location formula and constant), unknown 0.2
    skills          0.15  share of the need's required skills held by the team (left out when none required)
    certifications  0.10  share of the required certifications named by the supplier (left out when none)
    readiness       0.05  stage (operating or strengthening 1.0, start-up 0.6, earlier 0.3) x 0.7 + formalized x 0.3

Components that do not apply are dropped and the weights renormalised. When the need forbids suppliers outside
its territory, candidates outside the need municipality's subtree are not ranked at all.
"""

from __future__ import annotations

import math

from django.db.models import Q
from django.utils.translation import gettext as _

from siee.core.selectors import territory_subtree_ids
from siee.enterprise.catalog import PREFIX_QUALITY, prefix_q, product_terms
from siee.enterprise.models import BusinessInitiative, CatalogTerm, ProcurementNeed, Stage
from siee.lib.text import fold, tokens

WEIGHTS = {"text": 0.40, "sector": 0.15, "location": 0.15, "skills": 0.15, "certifications": 0.10, "readiness": 0.05}
try:  # reuse the matching engine's distance scale so "near" means the same everywhere
    from siee.matching.engine import DIST_SCALE_KM, LOCATION_UNKNOWN
except ImportError:  # pragma: no cover
    DIST_SCALE_KM, LOCATION_UNKNOWN = 25.0, 0.2


def _km(a, b) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def need_territory_ids(need: ProcurementNeed) -> set[int]:
    return territory_subtree_ids([need.municipality])


def supplier_allowed(need: ProcurementNeed, initiative: BusinessInitiative) -> bool:
    return not need.local_only or initiative.municipality_id in need_territory_ids(need)


def certification_items(text: str) -> list[str]:
    return [fold(x) for x in text.replace(";", ",").split(",") if fold(x)]


def team_skill_ids(initiative: BusinessInitiative) -> set[int]:
    from siee.people.models import PersonSkill

    people = [initiative.owner_id, *initiative.members.values_list("person_id", flat=True)]
    return set(PersonSkill.objects.filter(person_id__in=people).values_list("skill_id", flat=True))


def _text_value(need_terms: list[str], terms: dict[str, float]) -> tuple[float, list[str]]:
    if not need_terms:
        return 0.0, []
    total, found = 0.0, []
    for q in need_terms:
        best = 0.0
        for t, w in terms.items():
            if t == q:
                best = max(best, w)
            elif len(q) >= 3 and (t.startswith(q) or q.startswith(t) and len(t) >= 3):
                best = max(best, w * PREFIX_QUALITY)
        if best:
            found.append(q)
        total += best
    return total / len(need_terms), found


def candidates(need: ProcurementNeed):
    need_terms = tokens(need.title, stem=True)
    qs = BusinessInitiative.objects.filter(public=True).exclude(stage=Stage.CLOSED)
    if need.local_only:
        qs = qs.filter(municipality_id__in=need_territory_ids(need))
    cond = Q(pk__in=[])
    if need_terms:
        term_q = Q(pk__in=[])
        for t in need_terms:
            term_q |= prefix_q(t) if len(t) >= 3 else Q(term=t)
        ids = CatalogTerm.objects.filter(term_q).values_list("product__initiative_id", flat=True).distinct()
        cond |= Q(pk__in=list(ids))
    if need.sector_id:
        cond |= Q(sector_id=need.sector_id)
    return qs.filter(cond).select_related("municipality", "sector", "owner")


def score_supplier(need: ProcurementNeed, initiative: BusinessInitiative, *, need_skills: dict[int, str] | None = None) -> dict:
    """Score and explanation of one supplier for one need."""
    if need_skills is None:
        need_skills = dict(need.skills.values_list("pk", "label"))
    comps: dict[str, dict] = {}
    terms: dict[str, float] = {}
    for p in initiative.products.filter(active=True):
        for t, w in product_terms(p, initiative).items():
            terms[t] = max(terms.get(t, 0.0), w)
    need_terms = tokens(need.title, stem=True)
    value, found = _text_value(need_terms, terms)
    comps["text"] = {"value": value, "reason": _("Ofrece lo que se pide: %(w)s") % {"w": ", ".join(found)} if found
                     else _("Sus productos no mencionan «%(t)s»") % {"t": need.title}}
    if need.sector_id:
        if initiative.sector_id == need.sector_id:
            v, r = 1.0, _("Mismo sector (%(s)s)") % {"s": need.sector.label}
        elif initiative.sector_id and initiative.sector.section == need.sector.section:
            v, r = 0.5, _("Sector afín (misma sección CIIU %(s)s)") % {"s": need.sector.section}
        else:
            v, r = 0.0, _("Otro sector")
        comps["sector"] = {"value": v, "reason": r}
    if initiative.municipality_id == need.municipality_id:
        v, r = 1.0, _("En el mismo municipio (%(m)s)") % {"m": need.municipality.name}
    else:
        km = _km(initiative.municipality, need.municipality)
        if km is None:
            v, r = LOCATION_UNKNOWN, _("Distancia desconocida")
        else:
            v, r = math.exp(-km / DIST_SCALE_KM), _("A %(km).0f km (%(m)s)") % {"km": km, "m": initiative.municipality.name}
    comps["location"] = {"value": v, "reason": r}
    missing: list[str] = []
    if need_skills:
        have = team_skill_ids(initiative)
        held = [lbl for pk, lbl in need_skills.items() if pk in have]
        missing = [lbl for pk, lbl in need_skills.items() if pk not in have]
        comps["skills"] = {"value": len(held) / len(need_skills),
                           "reason": (_("Le faltan: %(s)s") % {"s": ", ".join(missing)}) if missing
                           else _("El equipo tiene todas las habilidades requeridas")}
    required = [x.strip() for x in need.certifications.replace(";", ",").split(",") if fold(x)]
    if required:
        offered = fold(initiative.certifications)
        have_c = [c for c in required if fold(c) in offered]
        lack_c = [c for c in required if fold(c) not in offered]
        comps["certifications"] = {"value": len(have_c) / len(required),
                                   "reason": (_("Sin certificación: %(c)s") % {"c": ", ".join(lack_c)}) if lack_c
                                   else _("Tiene las certificaciones exigidas")}
    stage_v = 1.0 if initiative.stage in (Stage.OPERATING, Stage.STRENGTHENING) else 0.6 if initiative.stage == Stage.START_UP else 0.3
    comps["readiness"] = {"value": 0.7 * stage_v + 0.3 * (1.0 if initiative.registered else 0.0),
                          "reason": f"{initiative.get_stage_display()}, "
                                    + (_("formalizada") if initiative.registered else _("no formalizada"))}
    wsum = sum(WEIGHTS[k] for k in comps)
    score = sum(WEIGHTS[k] * c["value"] for k, c in comps.items()) / wsum
    for k, c in comps.items():
        c["value"] = round(c["value"], 4)
        c["weight"] = round(WEIGHTS[k] / wsum, 4)
    return {"score": round(score, 4), "components": comps, "missing_skills": missing}


def rank_suppliers(need: ProcurementNeed, *, top: int = 10) -> list[dict]:
    need_skills = dict(need.skills.values_list("pk", "label"))
    rows = []
    for ini in candidates(need):
        s = score_supplier(need, ini, need_skills=need_skills)
        rows.append({"initiative_id": ini.pk, "initiative": ini.name, "municipality": ini.municipality.display_name(),
                     "stage": ini.get_stage_display(), "score": s["score"],
                     "explanation": {"components": s["components"], "missing_skills": s["missing_skills"]},
                     "url": f"/catalogo/{ini.slug}/" if ini.slug else ""})
    rows.sort(key=lambda r: (-r["score"], r["initiative_id"]))
    return rows[:top]
