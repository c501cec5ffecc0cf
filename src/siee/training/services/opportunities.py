"""The opportunities register (Chile Emprende) and the tender specification generated from one."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core import audit
from siee.core.errors import ValidationFailed
from siee.core.models import AuditAction
from siee.taxonomy.models import Occupation
from siee.training import contracts
from siee.training.models import (
    Opportunity,
    OpportunityKind,
)
from siee.training.selectors import (
    get_opportunity_for,
    require_staff,
)
from siee.training.services._common import (
    _check_territory_in_scope,
    _date,
    _int,
    _resolve_skills,
    _territory,
    _user,
)

# --- opportunities -----------------------------------------------------------------------------------------

@transaction.atomic
def register_opportunity(*, actor, data: dict) -> Opportunity:
    """data: territory (code), title, kind, sector (CIIU code), market, actors, gaps, training_objectives,
    minimum_contents, result_indicators, expected_jobs, skills, occupation, valid_from, valid_to."""
    require_staff(actor)
    title = str(data.get("title", "")).strip()
    if not title:
        raise ValidationFailed(_("El nombre de la oportunidad es obligatorio."), field="title")
    territory = _territory(data.get("territory"))
    _check_territory_in_scope(actor, territory)
    kind = data.get("kind") or OpportunityKind.EMPLOYMENT
    if kind not in OpportunityKind.values:
        raise ValidationFailed(_("Tipo desconocido: %(k)s.") % {"k": kind}, field="kind")
    sector = None
    if data.get("sector"):
        from siee.taxonomy.models import Sector

        sector = Sector.objects.filter(code=str(data["sector"])).first()
        if sector is None:
            raise ValidationFailed(_("Sector CIIU desconocido: %(s)s.") % {"s": data["sector"]}, field="sector")
    skills = _resolve_skills(data.get("skills"))
    start = _date(data.get("valid_from") or timezone.localdate(), "valid_from")
    end = _date(data.get("valid_to"), "valid_to", required=False)
    if end and end < start:
        raise ValidationFailed(_("La vigencia termina antes de empezar."), field="valid_to")
    occupation = None
    if data.get("occupation"):
        ref = str(data["occupation"])
        occupation = (Occupation.objects.filter(pk=int(ref)).first() if ref.isdigit()
                      else Occupation.objects.filter(uri__in=[ref, "urn:siee:occupation:" + ref]).first())
        if occupation is None:
            raise ValidationFailed(_("Ocupación desconocida: %(o)s.") % {"o": ref}, field="occupation")
    opp = Opportunity.objects.create(
        territory=territory, organization=getattr(actor, "organization", None), kind=kind, title=title[:200],
        sector=sector, market=str(data.get("market", "")), actors=str(data.get("actors", "")),
        gaps=str(data.get("gaps", "")), training_objectives=str(data.get("training_objectives", "")),
        minimum_contents=str(data.get("minimum_contents", "")), result_indicators=str(data.get("result_indicators", "")),
        expected_jobs=_int(data.get("expected_jobs"), "expected_jobs", default=0), occupation=occupation,
        valid_from=start, valid_to=end, created_by=_user(actor))
    opp.skills.set(skills)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=opp, fields=["title", "territory", "skills"])
    return opp


def course_specification(*, actor, opportunity_id) -> dict:
    """The technical specification of a tailor-made course for a tender, generated from an opportunity."""
    from siee.training.gaps import skill_code

    opp = get_opportunity_for(actor, opportunity_id)
    skills = list(opp.skills.all().order_by("label"))
    return {
        "opportunity_id": opp.pk,
        "title": _("Curso a la medida: %(t)s") % {"t": opp.title},
        "territory": {"code": opp.territory.code, "name": opp.territory.display_name()},
        "sector": f"{opp.sector.code} {opp.sector.label}" if opp.sector else "",
        "occupation": opp.occupation.label if opp.occupation else "",
        "context": {"market": opp.market, "actors": opp.actors, "gaps": opp.gaps},
        "objectives": [line.strip() for line in opp.training_objectives.splitlines() if line.strip()],
        "minimum_contents": [line.strip() for line in opp.minimum_contents.splitlines() if line.strip()],
        "skills_to_certify": [{"skill": skill_code(s.uri), "label": s.label} for s in skills],
        "target_participants": opp.expected_jobs,
        "result_indicators": [line.strip() for line in opp.result_indicators.splitlines() if line.strip()],
        "payment_indicators_available": {k: str(v) for k, v in contracts.INDICATORS.items()},
    }
