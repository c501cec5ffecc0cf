"""Fairness report: are women, migrants and people with disability ranked, referred and placed in proportion
to their share among the people eligible for intermediation in the territory?

For a territory (and optionally a batch of vacancies, or one stored matching run) the report gives, per stage
(eligible → ranked → referred → placed), the number of distinct people and, for each group, the count, the
share and the ratio of that share to the eligible share (1.0 = proportional; below 0.8 is flagged, the usual
"four-fifths" rule of thumb). Only aggregates leave this module: analysts may run it.

Eligible people: with consent and active in the territory, plus the territory's people who took part in a
stage (someone placed is "employed" today but was eligible when ranked and referred).

"Ranked" comes from the matching engine's stored results (MatchResult of the latest run covering the vacancies,
or the run given); without stored results it falls back to the officers' shortlists.

Sensitive attributes are never score inputs. When the matching engine is installed the report proves it on a
sample: each sampled person is re-scored against each sampled vacancy with sex, migration status and disability
flipped to every other value, and the largest score difference is reported (it must be 0). Pairs a flip makes
legally ineligible (a hard filter, e.g. an undocumented migrant and a labour contract) are counted apart, since
filters are not scores.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from siee.core.errors import OutOfScope, PermissionDenied, ValidationFailed
from siee.core.selectors import find_territory, scope_territory_ids, territory_subtree_ids
from siee.employers.models import Vacancy
from siee.intermediation.models import Placement, Referral, ShortlistEntry
from siee.people.models import Consent, Person, PersonStatus

MIGRANT_STATUSES = ("regular", "in_process", "irregular", "refugee")
GROUPS: dict[str, Q] = {
    "women": Q(sex="F"),
    "migrants": Q(migration_status__in=MIGRANT_STATUSES),
    "disability": Q(disability=True),
}
GROUP_LABELS = {"women": "mujeres", "migrants": "personas migrantes", "disability": "personas con discapacidad"}
STAGE_LABELS = {"eligible": "elegibles", "ranked": "clasificadas", "referred": "remitidas", "placed": "colocadas"}
UNDER_REPRESENTED = 0.8

STATEMENT = (
    "Los atributos sensibles (sexo, estatus migratorio, discapacidad, etnia, víctima del conflicto) no son "
    "entradas del puntaje del motor de emparejamiento: solo se usan para este informe y como filtros legales "
    "explícitos (por ejemplo, la habilitación para un tipo de contrato), nunca para ordenar a las personas."
)


def _counts(person_ids_qs) -> dict:
    """Distinct people and group counts in one query."""
    agg = Person.objects.filter(pk__in=person_ids_qs).aggregate(
        n=Count("pk"), **{g: Count("pk", filter=q) for g, q in GROUPS.items()})
    return {"n": agg["n"], **{g: agg[g] for g in GROUPS}}


def _stage(counts: dict, eligible: dict | None) -> dict:
    n = counts["n"]
    out = {"n": n}
    for g in GROUPS:
        share = counts[g] / n if n else None
        item = {"count": counts[g], "share": share}
        if eligible is not None:
            base = eligible[g]["share"]
            ratio = share / base if share is not None and base else None
            item["ratio"] = ratio
            item["under_represented"] = ratio is not None and ratio < UNDER_REPRESENTED
        out[g] = item
    return out


def _ranked_source(vacancy_qs, run_id):
    """Person ids ranked for these vacancies: stored match results when available, else shortlists."""
    try:
        from django.apps import apps

        match_result = apps.get_model("matching", "MatchResult")
    except LookupError:
        match_result = None
    if match_result is not None:
        results = match_result.objects.filter(vacancy__in=vacancy_qs)
        if run_id is not None:
            results = results.filter(run_id=run_id)
            source = {"kind": "match_results", "run_id": run_id}
        else:
            latest = results.order_by("-run_id").values_list("run_id", flat=True).first()
            if latest is not None:
                results = results.filter(run_id=latest)
            source = {"kind": "match_results", "run_id": latest}
        if run_id is not None or source["run_id"] is not None:
            return results.values("person_id"), source
    elif run_id is not None:
        raise ValidationFailed(_("El motor de emparejamiento no está instalado: no hay corridas."), field="run")
    return ShortlistEntry.objects.filter(vacancy__in=vacancy_qs).values("person_id"), {"kind": "shortlist", "run_id": None}


def fairness_report(*, actor, territory: str, vacancy_ids: list[int] | None = None, run_id: int | None = None,
                    since: dt.date | None = None, check: bool = True, sample_people: int = 20,
                    sample_vacancies: int = 5) -> dict:
    """The report as a dict (JSON-ready). `territory` is a municipality or department code within the actor's scope."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Debe iniciar sesión."))
    if actor.role in ("job_seeker", "employer") and not actor.is_system_admin:
        raise PermissionDenied(_("Su rol no permite ver informes."))
    place = find_territory(territory)
    if place is None:
        raise ValidationFailed(_("Territorio desconocido: %(c)s.") % {"c": territory}, field="territory")
    ids = territory_subtree_ids([place])
    scope = scope_territory_ids(actor)
    if scope is not None:
        ids &= scope
        if not ids:
            raise OutOfScope(_("Territorio no encontrado."))

    vacancies = Vacancy.objects.filter(municipality_id__in=ids)
    if vacancy_ids:
        vacancies = vacancies.filter(pk__in=vacancy_ids)
    vacancy_pks = vacancies.values("pk")

    ranked_ids, ranked_source = _ranked_source(vacancy_pks, run_id)
    referrals = Referral.objects.filter(vacancy__in=vacancy_pks)
    placements = Placement.objects.filter(vacancy__in=vacancy_pks)
    if not vacancy_ids:  # direct placements with an employer of the territory
        placements = Placement.objects.filter(Q(vacancy__in=vacancy_pks) | Q(vacancy__isnull=True, employer__municipality_id__in=ids))
    if since:
        referrals = referrals.filter(referred_at__date__gte=since)
        placements = placements.filter(start_date__gte=since)

    # Eligible: consent and active in the territory, plus those of the territory who took part in a stage (people
    # placed are "employed" now but were eligible when ranked or referred).
    consent = Consent.objects.filter(person=OuterRef("pk"), revoked_at__isnull=True)
    took_part = (Q(pk__in=ranked_ids) | Q(pk__in=referrals.values("person_id"))
                 | Q(pk__in=placements.values("person_id")))
    eligible_qs = (Person.objects.filter(municipality_id__in=ids).filter(Q(status=PersonStatus.ACTIVE) | took_part)
                   .exclude(status=PersonStatus.MERGED).filter(Exists(consent)).values("pk"))
    eligible = _stage(_counts(eligible_qs), None)
    stages = {"eligible": eligible}
    for name, qs in (("ranked", ranked_ids), ("referred", referrals.values("person_id")),
                     ("placed", placements.values("person_id"))):
        stages[name] = _stage(_counts(qs), eligible)

    report = {
        "territory": {"code": place.code, "name": place.display_name(), "country": place.country},
        "vacancies": vacancies.count(),
        "vacancy_ids": sorted(vacancy_ids) if vacancy_ids else None,
        "since": since.isoformat() if since else None,
        "ranked_source": ranked_source,
        "groups": dict(GROUP_LABELS),
        "stages": stages,
        "threshold": UNDER_REPRESENTED,
        "statement": STATEMENT,
        "sensitive_attribute_check": None,
    }
    if check:
        sample = list(Person.objects.filter(pk__in=eligible_qs).order_by("pk").values_list("pk", flat=True)[:sample_people])
        vac_sample = list(vacancies.order_by("pk").values_list("pk", flat=True)[:sample_vacancies])
        report["sensitive_attribute_check"] = sensitive_attribute_check(sample, vac_sample)
    return report


def sensitive_attribute_check(person_ids: list[int], vacancy_ids: list[int]) -> dict:
    """Re-score each (person, vacancy) pair with each sensitive attribute flipped; report the largest difference."""
    try:
        from siee.matching import engine as E
        from siee.matching import index_store
        from siee.matching.services import active_weights
        from siee.matching.weights import ENGINE_VERSION
    except ImportError:
        return {"available": False, "message": "El motor de emparejamiento no está instalado."}
    index = index_store.get_people_index()
    tax = index.tax
    rows = [(pk, index.row_of(pk)) for pk in person_ids]
    records = [index.record(r) for _pk, r in rows if r >= 0]
    pairs = filtered = 0
    max_diff = 0.0
    flips = ([("sex", v) for v in range(len(E.SEX_CODES))]
             + [("migration_class", v) for v in range(len(E.MIGRATION_CLASSES))]
             + [("disability", v) for v in (False, True)])
    for vacancy in Vacancy.objects.filter(pk__in=vacancy_ids).select_related("employer", "municipality").order_by("pk"):
        query = index_store.vacancy_query(tax, vacancy)
        vindex = E.VacancyIndex(tax, [E.VacancyQuery(**{**query.__dict__, "is_open": True})])
        weights, _version = active_weights(vacancy.organization_id)
        for record in records:
            base = {**record.__dict__, "eligible": True}
            scores = []
            for attr, value in flips:
                res = E.rank_vacancies(vindex, E.PersonRecord(**{**base, attr: value}), weights, index.idf, top=1)
                if len(res.scores):
                    scores.append(float(res.scores[0]))
                else:
                    filtered += 1
            if scores:
                pairs += 1
                max_diff = max(max_diff, max(scores) - min(scores))
    return {
        "available": True,
        "engine_version": ENGINE_VERSION,
        "people": len(records),
        "vacancies": len(vacancy_ids),
        "pairs": pairs,
        "variants_per_pair": len(flips),
        "legally_filtered_variants": filtered,
        "max_score_difference": max_diff,
        "passed": max_diff == 0.0,
    }


def _pct(value) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def format_fairness_report(report: dict) -> str:
    """Plain-text rendering for the CLI."""
    t = report["territory"]
    src = report["ranked_source"]
    source = (f"resultados guardados del motor (corrida {src['run_id']})" if src["kind"] == "match_results"
              else "preselecciones de los gestores")
    lines = [f"Informe de equidad — {t['name']} ({t['code']}); {report['vacancies']} vacantes",
             f"Clasificadas: {source}." + (f" Desde {report['since']}." if report["since"] else ""), ""]
    header = f"{'etapa':<12}{'personas':>10}" + "".join(f"{GROUP_LABELS[g]:>30}" for g in GROUPS)
    lines.append(header)
    for name, stage in report["stages"].items():
        cells = []
        for g in GROUPS:
            item = stage[g]
            ratio = item.get("ratio")
            mark = " ⚠" if item.get("under_represented") else "  "
            text = f"{item['count']} ({_pct(item['share']).strip()})"
            if ratio is not None:
                text += f" ×{ratio:.2f}{mark}"
            cells.append(f"{text:>30}")
        lines.append(f"{STAGE_LABELS[name]:<12}{stage['n']:>10}" + "".join(cells))
    lines += ["", f"×: participación en la etapa / participación entre elegibles; ⚠ por debajo de {report['threshold']}.",
              "", report["statement"]]
    check = report.get("sensitive_attribute_check")
    if check is None:
        lines.append("Comprobación de atributos invertidos: omitida.")
    elif not check["available"]:
        lines.append(f"Comprobación de atributos invertidos: no disponible ({check['message']})")
    else:
        verdict = "SUPERADA" if check["passed"] else "FALLIDA"
        lines.append(
            f"Comprobación de atributos invertidos ({check['engine_version']}): {check['pairs']} pares persona–vacante, "
            f"{check['variants_per_pair']} variantes cada uno (sexo, estatus migratorio, discapacidad); diferencia "
            f"máxima de puntaje = {check['max_score_difference']:.6f} → {verdict}. Variantes excluidas por filtros "
            f"legales (no por puntaje): {check['legally_filtered_variants']}.")
    return "\n".join(lines)
