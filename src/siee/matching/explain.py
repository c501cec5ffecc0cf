"""Explanations of a match in Spanish: each component with value, weight and a sentence, plus the matched
and missing skills by name. Pure Python/numpy (no Django). Sensitive attributes are never mentioned.
"""

from __future__ import annotations

import math

import numpy as np

from siee.matching import engine as E
from siee.matching.weights import COMPONENT_LABELS, COMPONENTS, ENGINE_VERSION, Weights

NO_SKILLS_NOTE = "la vacante no tiene habilidades registradas"

_REL_TEXT = {
    E.REL_SAME: "misma ocupación",
    E.REL_UNIT: "mismo grupo primario CIUO-08",
    E.REL_MINOR: "mismo subgrupo CIUO-08",
    E.REL_SUBMAJOR: "mismo subgrupo principal CIUO-08",
    E.REL_RELATED: "ocupación afín: comparte habilidades esenciales",
}


def _money(x: float) -> str:
    return f"${x:,.0f}".replace(",", ".")


def _best_occupation(tax: E.Taxonomy, q: E.VacancyQuery, occupations) -> tuple[int, int, float]:
    """(occupation index, relation kind, similarity) of the person's occupation closest to the vacancy's."""
    if q.occupation < 0 or not occupations:
        return -1, E.REL_NONE, 0.0
    sim, kind = tax.occupation_similarity(q.occupation)
    best = max(occupations, key=lambda o: (float(sim[o]), -o))
    return int(best), int(kind[best]), float(sim[best])


def explain(tax: E.Taxonomy, person: E.PersonRecord, q: E.VacancyQuery, weights: Weights, score: float,
            components: dict[str, float], applied: tuple) -> dict:
    w = weights.as_dict()
    wsum = sum(w[c] for c in applied) or 1.0
    texts: dict[str, str] = {}
    notes: list[str] = []

    occ, kind, _ = _best_occupation(tax, q, list(person.experience))
    vac_label = tax.occupation_labels[q.occupation] if q.occupation >= 0 else "la ocupación de la vacante"
    if occ >= 0 and kind != E.REL_NONE:
        texts["occupation"] = f"Tiene experiencia como {tax.occupation_labels[occ]} ({_REL_TEXT[kind]})."
    else:
        texts["occupation"] = f"No registra experiencia como {vac_label} ni en ocupaciones afines."

    held = set(person.skills)
    matched, missing = [], []
    for essential, cols in ((True, q.essential_skills), (False, q.optional_skills)):
        for c in cols:
            item = {"id": int(tax.skill_ids[c]), "label": tax.skill_labels[c], "essential": essential}
            (matched if int(c) in held else missing).append(item)
    if not q.has_skills:
        texts["skills"] = "La vacante no tiene habilidades registradas: se ordena por ocupación y demás componentes."
        notes.append(NO_SKILLS_NOTE)
    else:
        ess_ok = sum(1 for m in matched if m["essential"])
        opt_ok = len(matched) - ess_ok
        parts = [f"Tiene {ess_ok} de {q.essential_skills.size} habilidades requeridas"]
        if q.optional_skills.size:
            parts.append(f"{opt_ok} de {q.optional_skills.size} deseables")
        texts["skills"] = " y ".join(parts) + " (las menos comunes en el territorio pesan más)."

    months = 0.0
    if q.occupation >= 0:
        sim, _ = tax.occupation_similarity(q.occupation)
        months = sum(float(sim[o]) * max(m, E.MIN_EXPERIENCE_MONTHS) for o, m in person.experience.items())
    shown = round(months)
    if q.experience_months > 0:
        texts["experience"] = (f"{shown} meses de experiencia en la ocupación o afines (formal, informal o "
                               f"independiente); la vacante pide {q.experience_months:g}.")
    else:
        texts["experience"] = f"La vacante no exige experiencia; registra {shown} meses en la ocupación o afines."

    if q.education_rank < 0:
        texts["education"] = "La vacante no exige un nivel educativo mínimo."
    elif person.education_rank < 0:
        texts["education"] = "Nivel educativo no registrado."
    elif person.education_rank >= q.education_rank:
        texts["education"] = "Cumple el nivel educativo mínimo."
    else:
        gap = q.education_rank - person.education_rank
        texts["education"] = f"Su nivel educativo está {gap} {'nivel' if gap == 1 else 'niveles'} por debajo del mínimo."

    if person.municipality >= 0 and person.municipality == q.municipality:
        texts["location"] = f"Vive en el mismo municipio de la vacante ({tax.municipality_names[q.municipality]})."
    elif person.municipality >= 0 and q.municipality >= 0:
        d = tax.distance_km(q.municipality, person.municipality)
        name = tax.municipality_names[person.municipality]
        texts["location"] = (f"Vive en {name}, a {d:.0f} km de la vacante." if not math.isnan(d)
                             else f"Vive en {name} (distancia desconocida).")
    else:
        texts["location"] = "Municipio sin datos de ubicación."
    if person.willing_to_relocate:
        texts["location"] += " Acepta trasladarse a otro municipio."

    offer = q.wage_offer
    if math.isnan(person.expected_wage) or math.isnan(offer):
        texts["wage"] = "Sin información salarial suficiente para comparar."
    elif person.expected_wage <= offer:
        texts["wage"] = f"Su aspiración salarial ({_money(person.expected_wage)}) está dentro de la oferta ({_money(offer)})."
    else:
        pct = 100.0 * (person.expected_wage - offer) / offer
        texts["wage"] = f"Su aspiración salarial supera la oferta ({_money(offer)}) en un {pct:.0f} %."

    if math.isnan(person.max_hours):
        texts["hours"] = "Sin preferencia de jornada registrada."
    elif math.isnan(q.hours_per_week) or q.hours_per_week <= person.max_hours:
        texts["hours"] = "La jornada de la vacante es compatible con su disponibilidad."
    else:
        texts["hours"] = f"La jornada ({q.hours_per_week:g} h/semana) supera su máximo ({person.max_hours:g} h)."

    docc, dkind, _ = _best_occupation(tax, q, list(person.desired))
    if docc >= 0 and dkind != E.REL_NONE:
        texts["preferences"] = f"Desea trabajar como {tax.occupation_labels[docc]} ({_REL_TEXT[dkind]})."
    else:
        texts["preferences"] = "La ocupación no está entre las que desea."

    comps = {}
    for c in COMPONENTS:
        on = c in applied
        comps[c] = {
            "label": COMPONENT_LABELS[c],
            "value": round(float(components.get(c, 0.0)), 4),
            "weight": w[c],
            "share": round(w[c] / wsum, 4) if on else 0.0,
            "applied": on,
            "text": texts[c],
        }
    strong = [COMPONENT_LABELS[c].lower() for c in COMPONENTS if on_and_high(comps[c])]
    level = "alta" if score >= 0.7 else ("media" if score >= 0.45 else "baja")
    summary = f"Coincidencia {level} ({score * 100:.0f} %)"
    if strong:
        summary += ": destaca en " + ", ".join(strong[:3])
    return {
        "engine_version": ENGINE_VERSION,
        "score": round(float(score), 4),
        "summary": summary + ".",
        "components": comps,
        "matched_skills": matched,
        "missing_skills": missing,
        "notes": notes,
    }


def on_and_high(c: dict) -> bool:
    return c["applied"] and c["value"] >= 0.8 and c["share"] >= 0.08


_EMPLOYER_KEYS = ("engine_version", "score", "summary", "components", "matched_skills", "missing_skills", "notes")
_COMPONENT_KEYS = ("label", "value", "weight", "share", "applied", "text")


def for_employer(explanation: dict) -> dict:
    """The same components for an employer: known keys only, and no figure of the person's expected wage."""
    out = {k: explanation[k] for k in _EMPLOYER_KEYS if k in explanation}
    comps = {}
    for name, c in (explanation.get("components") or {}).items():
        item = {k: c[k] for k in _COMPONENT_KEYS if k in c}
        if name == "wage":
            value = float(item.get("value", 1.0))
            item["text"] = ("Aspiración salarial compatible con la oferta." if value >= 1.0
                            else "Aspiración salarial por encima de la oferta.")
        comps[name] = item
    out["components"] = comps
    return out


def components_row(result: E.RankResult, i: int) -> dict[str, float]:
    return {c: float(np.asarray(v)[i]) for c, v in result.components.items()}
