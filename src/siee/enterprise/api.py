"""Enterprise API (/api/v1/enterprise/): public catalogue search (no authentication), initiatives, advisory
sessions, products, seed-capital tranches, procurement needs with ranked suppliers, and the job-seeking /
self-employment route. Thin: every endpoint calls a scoped selector or a service; another territory's record
answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from siee.core.errors import ValidationFailed
from siee.core.schemas import ErrorOut, Id, with_status
from siee.core.selectors import find_territory, territory_subtree_ids
from siee.enterprise import catalog, selectors, services, suppliers
from siee.enterprise.models import Stage

router = Router()
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Amount = float | str | None
Text = lambda n: Field("", max_length=n)  # noqa: E731


class CatalogResult(Schema):
    product_id: int
    product: str
    kind: str
    initiative: str
    initiative_id: int
    price: str
    price_min: float | None
    price_max: float | None
    municipality: str
    municipality_code: str
    sector: str
    score: float
    url: str


class InitiativeIn(Schema):
    owner_id: Id
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Text(5000)
    sector: str = Text(5)
    municipality_code: str = Text(20)
    members: list[Id] = []
    jobs_full_time: int = Field(0, ge=0, le=10000)
    jobs_part_time: int = Field(0, ge=0, le=10000)
    jobs_family: int = Field(0, ge=0, le=10000)
    monthly_sales: Amount = None


class InitiativeOut(Schema):
    id: int
    name: str
    stage: int
    stage_label: str
    owner_id: int
    municipality_code: str
    sector: str | None
    registered: bool
    tax_id: str
    jobs_total: int
    monthly_sales: float | None
    public: bool
    url: str | None


def initiative_data(ini) -> dict:
    return {"id": ini.pk, "name": ini.name, "stage": ini.stage, "stage_label": str(Stage(ini.stage).label),
            "owner_id": ini.owner_id, "municipality_code": ini.municipality.code,
            "sector": ini.sector.code if ini.sector_id else None, "registered": ini.registered, "tax_id": ini.tax_id,
            "jobs_total": ini.jobs_total, "monthly_sales": float(ini.monthly_sales) if ini.monthly_sales is not None else None,
            "public": ini.public, "url": f"/catalogo/{ini.slug}/" if ini.public and ini.slug else None}


class InitiativePage(Schema):
    count: int
    items: list[InitiativeOut]


class StageIn(Schema):
    stage: int
    on: dt.date | None = None


class SessionIn(Schema):
    notes: str = Field(..., max_length=10000)
    minutes: int = Field(60, ge=1, le=1440)
    tasks: list[str] = []


class ProductIn(Schema):
    name: str = Field(..., max_length=200)
    description: str = Text(5000)
    kind: str = "product"
    price_min: Amount = None
    price_max: Amount = None
    unit: str = Text(40)


class ProductOut(Schema):
    id: int
    name: str
    price_min: float | None
    price_max: float | None


class PublishIn(Schema):
    public: bool = True
    whatsapp: str = Text(30)
    phone: str = Text(30)
    email: str = Text(254)
    delivery_area: str = Text(200)
    public_description: str = Text(5000)


class TrancheIn(Schema):
    amount: float | str
    milestone: str = Field(..., min_length=1, max_length=300)


class TrancheOut(Schema):
    id: int
    number: int
    amount: float
    milestone: str
    status: str


class NeedIn(Schema):
    buyer_employer_id: Id | None = None
    buyer_entity_id: Id | None = None
    title: str = Field(..., max_length=200)
    description: str = Text(5000)
    sector: str = Text(5)
    quantity: Amount = None
    unit: str = Text(40)
    frequency: str = Text(60)
    quality_requirements: str = Text(5000)
    certifications: str = Text(300)
    skill_ids: list[Id] = []
    municipality_code: str = Text(20)
    local_only: bool = False
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class NeedOut(Schema):
    id: int
    title: str
    buyer: str
    municipality_code: str
    local_only: bool
    status: str


def need_data(n) -> dict:
    return {"id": n.pk, "title": n.title, "buyer": n.buyer_name, "municipality_code": n.municipality.code,
            "local_only": n.local_only, "status": n.status}


class SupplierOut(Schema):
    initiative_id: int
    initiative: str
    municipality: str
    stage: str
    score: float
    explanation: dict
    url: str


class InteractionIn(Schema):
    initiative_id: Id
    step: str = Field(..., max_length=20)
    value: Amount = None
    note: str = Text(500)


class InteractionOut(Schema):
    id: int
    step: str
    value: float | None
    score: float | None


class RouteIn(Schema):
    direction: str = Field(..., pattern="^(to_entrepreneurship|to_employment)$")
    reason: str = Text(500)


# --- public catalogue --------------------------------------------------------------------------------------

@router.get("/catalog/search", auth=None, response={200: list[CatalogResult], 404: ErrorOut, 422: ErrorOut},
            summary="Busca en el catálogo público (texto con o sin tildes, sector CIIU, territorio)")
def catalog_search(request, q: str = Query("", max_length=200), territory: str | None = Query(None, max_length=20),
                   sector: str | None = Query(None, max_length=5), limit: int = Query(20, ge=1, le=100),
                   offset: int = Query(0, ge=0, le=10000)):
    territory_ids = None
    if territory:
        t = find_territory(territory)
        if t is None:
            raise ValidationFailed(_("Territorio desconocido: «%(c)s».") % {"c": territory}, field="territory")
        territory_ids = territory_subtree_ids([t])
    sector_id = None
    if sector:
        from siee.taxonomy.models import Sector

        s = Sector.objects.filter(code=sector).first()
        if s is None:
            raise ValidationFailed(_("Sector CIIU desconocido: «%(c)s».") % {"c": sector}, field="sector")
        sector_id = s.pk
    return catalog.search(q, territory_ids=territory_ids, sector_id=sector_id, limit=limit, offset=offset)


# --- initiatives -------------------------------------------------------------------------------------------

@router.get("/initiatives", response={200: InitiativePage, **ERRORS}, summary="Iniciativas empresariales del territorio")
def list_initiatives(request, q: str | None = Query(None, max_length=200), stage: int | None = None,
                     limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000)):
    qs = selectors.initiatives_for(request.auth, q=q, stage=stage).order_by("-created_at", "-id")
    return {"count": qs.count(), "items": [initiative_data(i) for i in qs[offset:offset + limit]]}


@router.post("/initiatives", response={201: InitiativeOut, **ERRORS}, summary="Registra una iniciativa empresarial")
def create_initiative(request, payload: InitiativeIn):
    data = payload.dict()
    owner_id = data.pop("owner_id")
    ini = services.create_initiative(actor=request.auth, owner_id=owner_id, data=data)
    return with_status(201, initiative_data(ini))


@router.get("/initiatives/{initiative_id}", response={200: InitiativeOut, **ERRORS}, summary="Una iniciativa")
def get_initiative(request, initiative_id: Id):
    return initiative_data(selectors.get_initiative_for(request.auth, initiative_id))


@router.post("/initiatives/{initiative_id}/stage", response={200: InitiativeOut, **ERRORS},
             summary="Cambia la etapa (exige los pasos obligatorios de la ruta)")
def change_stage(request, initiative_id: Id, payload: StageIn):
    return initiative_data(services.change_stage(actor=request.auth, initiative_id=initiative_id, stage=payload.stage,
                                                 on=payload.on))


@router.post("/initiatives/{initiative_id}/sessions", response={201: dict, **ERRORS},
             summary="Registra una sesión de asesoría con tareas acordadas")
def add_session(request, initiative_id: Id, payload: SessionIn):
    s = services.record_session(actor=request.auth, initiative_id=initiative_id, notes=payload.notes,
                                minutes=payload.minutes, tasks=[{"description": t} for t in payload.tasks])
    return with_status(201, {"id": s.pk, "tasks": s.tasks.count()})


@router.post("/initiatives/{initiative_id}/products", response={201: ProductOut, **ERRORS},
             summary="Agrega un producto o servicio al catálogo de la iniciativa")
def add_product(request, initiative_id: Id, payload: ProductIn):
    p = services.add_product(actor=request.auth, initiative_id=initiative_id, data=payload.dict())
    return with_status(201, {"id": p.pk, "name": p.name, "price_min": p.price_min, "price_max": p.price_max})


@router.post("/initiatives/{initiative_id}/publish", response={200: InitiativeOut, **ERRORS},
             summary="Publica (o retira) la iniciativa en el catálogo público")
def publish(request, initiative_id: Id, payload: PublishIn):
    data = payload.dict()
    public = data.pop("public")
    return initiative_data(services.publish_initiative(actor=request.auth, initiative_id=initiative_id, public=public,
                                                       contact={k: v for k, v in data.items() if v}))


@router.post("/awards/{award_id}/tranches", response={201: TrancheOut, **ERRORS},
             summary="Agrega un desembolso a una adjudicación (nunca por encima del monto adjudicado)")
def add_tranche(request, award_id: Id, payload: TrancheIn):
    t = services.add_tranche(actor=request.auth, award_id=award_id, amount=payload.amount, milestone=payload.milestone)
    return with_status(201, {"id": t.pk, "number": t.number, "amount": float(t.amount), "milestone": t.milestone,
                             "status": t.status})


# --- supplier development ----------------------------------------------------------------------------------

@router.get("/needs", response={200: list[NeedOut], **ERRORS}, summary="Necesidades de proveeduría del territorio")
def list_needs(request, status: str | None = Query(None, max_length=10)):
    return [need_data(n) for n in selectors.needs_for(request.auth, status=status)[:500]]


@router.post("/needs", response={201: NeedOut, **ERRORS}, summary="Registra una necesidad de proveeduría de un comprador")
def create_need(request, payload: NeedIn):
    data = payload.dict()
    skills = data.pop("skill_ids")
    need = services.create_need(actor=request.auth, data={k: v for k, v in data.items() if v not in (None, "")},
                                skill_ids=skills)
    return with_status(201, need_data(need))


@router.get("/needs/{need_id}/suppliers", response={200: list[SupplierOut], **ERRORS},
            summary="Proveedores locales ordenados para una necesidad, con puntaje y explicación")
def rank(request, need_id: Id, top: int = Query(10, ge=1, le=100)):
    return suppliers.rank_suppliers(selectors.get_need_for(request.auth, need_id), top=top)


@router.post("/needs/{need_id}/interactions", response={201: InteractionOut, **ERRORS},
             summary="Registra presentación, cotización, negocio cerrado (con valor) o descarte")
def add_interaction(request, need_id: Id, payload: InteractionIn):
    row = services.record_supplier_step(actor=request.auth, need_id=need_id, initiative_id=payload.initiative_id,
                                        step=payload.step, value=payload.value, note=payload.note)
    return with_status(201, {"id": row.pk, "step": row.step, "value": float(row.value) if row.value is not None else None,
                             "score": row.score})


# --- route between job seeking and self-employment ---------------------------------------------------------

@router.post("/people/{person_id}/route", response={201: dict, **ERRORS},
             summary="Remite a la persona a la ruta de emprendimiento o de vuelta a la de empleo")
def route(request, person_id: Id, payload: RouteIn):
    fn = services.refer_to_entrepreneurship if payload.direction == "to_entrepreneurship" else services.refer_to_employment
    ref = fn(actor=request.auth, person_id=person_id, reason=payload.reason)
    return with_status(201, {"id": ref.pk, "direction": ref.direction, "person_id": ref.person_id})


# --- seed capital ------------------------------------------------------------------------------------------

class ApplyIn(Schema):
    initiative_id: Id


class ApplicationOut(Schema):
    id: int
    call_id: int
    initiative_id: int
    status: str
    score: float | None
    eligibility: list[dict]


def application_data(app) -> dict:
    return {"id": app.pk, "call_id": app.call_id, "initiative_id": app.initiative_id, "status": app.status,
            "score": app.score, "eligibility": app.eligibility}


class ScoresIn(Schema):
    scores: dict[str, float]
    scorer_label: str = Field("", max_length=150)


class AwardIn(Schema):
    amount: Amount = None
    on: dt.date | None = None
    tranches: list[TrancheIn]


class AwardOut(Schema):
    id: int
    amount: float
    awarded_on: dt.date
    tranches: list[TrancheOut]


def award_data(award) -> dict:
    return {"id": award.pk, "amount": float(award.amount), "awarded_on": award.awarded_on,
            "tranches": [{"id": t.pk, "number": t.number, "amount": float(t.amount), "milestone": t.milestone,
                          "status": t.status} for t in award.tranches.order_by("number")]}


@router.get("/calls", response={200: list[dict], **ERRORS}, summary="Convocatorias de capital semilla")
def list_calls(request):
    return [{"id": c.pk, "name": c.name, "opens_on": c.opens_on, "closes_on": c.closes_on,
             "amount_per_award": float(c.amount_per_award), "budget": float(c.budget), "min_stage": c.min_stage,
             "required_course": c.required_course, "criteria": [{"id": k.pk, "name": k.name, "weight": k.weight,
                                                                 "max_score": k.max_score} for k in c.criteria.all()]}
            for c in selectors.calls_for(request.auth).prefetch_related("criteria")[:200]]


@router.post("/calls/{call_id}/applications", response={201: ApplicationOut, **ERRORS},
             summary="Postula una iniciativa a una convocatoria (evalúa las reglas de elegibilidad)")
def apply(request, call_id: Id, payload: ApplyIn):
    app = services.apply_to_call(actor=request.auth, call_id=call_id, initiative_id=payload.initiative_id)
    return with_status(201, application_data(app))


@router.post("/applications/{application_id}/scores", response={200: ApplicationOut, **ERRORS},
             summary="Puntajes de un miembro del comité por criterio (nombre o id)")
def score(request, application_id: Id, payload: ScoresIn):
    app = services.score_application(actor=request.auth, application_id=application_id, scores=payload.scores,
                                     scorer_label=payload.scorer_label or None)
    return application_data(app)


@router.post("/applications/{application_id}/award", response={201: AwardOut, **ERRORS},
             summary="Adjudica con su plan de desembolsos (la suma nunca supera el monto adjudicado)")
def award(request, application_id: Id, payload: AwardIn):
    a = services.award_application(actor=request.auth, application_id=application_id, amount=payload.amount,
                                   on=payload.on, tranches=[t.dict() for t in payload.tranches])
    return with_status(201, award_data(a))


@router.post("/tranches/{tranche_id}/pay", response={200: TrancheOut, **ERRORS},
             summary="Desembolsa un tramo cuyo hito se cumplió (en orden)")
def pay(request, tranche_id: Id):
    t = services.pay_tranche(actor=request.auth, tranche_id=tranche_id)
    return {"id": t.pk, "number": t.number, "amount": float(t.amount), "milestone": t.milestone, "status": t.status}


# --- route steps, diagnosis, operations, survival ----------------------------------------------------------

class DiagnosisIn(Schema):
    answers: dict[str, float]
    questionnaire_id: Id | None = None


class StepIn(Schema):
    kind: str = Field(..., max_length=20)
    note: str = Text(500)


class OperationsIn(Schema):
    jobs_full_time: int | None = Field(None, ge=0, le=10000)
    jobs_part_time: int | None = Field(None, ge=0, le=10000)
    jobs_family: int | None = Field(None, ge=0, le=10000)
    month: dt.date | None = None
    sales: Amount = None


class FormalizeIn(Schema):
    tax_id: str = Field(..., min_length=1, max_length=30)
    on: dt.date | None = None


class SurvivalIn(Schema):
    operating: bool
    jobs: int | None = Field(None, ge=0, le=10000)
    monthly_sales: Amount = None
    notes: str = Text(500)


@router.post("/initiatives/{initiative_id}/steps", response={200: dict, **ERRORS},
             summary="Marca como hecho un paso de la ruta (diagnosis, training, business_plan, committee_review)")
def complete_step(request, initiative_id: Id, payload: StepIn):
    done = services.complete_step(actor=request.auth, initiative_id=initiative_id, kind=payload.kind, note=payload.note)
    return {"step": done.step.kind, "completed_at": done.completed_at.isoformat()}


@router.post("/initiatives/{initiative_id}/diagnosis", response={201: dict, **ERRORS},
             summary="Registra un diagnóstico (respuestas 0 a 4) y devuelve el puntaje 0-100 por área")
def diagnosis(request, initiative_id: Id, payload: DiagnosisIn):
    d = services.record_diagnosis(actor=request.auth, initiative_id=initiative_id, answers=payload.answers,
                                  questionnaire_id=payload.questionnaire_id)
    return with_status(201, {"id": d.pk, "score": d.score, "area_scores": d.area_scores})


@router.post("/initiatives/{initiative_id}/operations", response={200: InitiativeOut, **ERRORS},
             summary="Empleos por tipo y ventas del mes")
def operations(request, initiative_id: Id, payload: OperationsIn):
    return initiative_data(services.update_operations(actor=request.auth, initiative_id=initiative_id, **payload.dict()))


@router.post("/initiatives/{initiative_id}/formalize", response={200: InitiativeOut, **ERRORS},
             summary="Registra la formalización (NIT / RUT)")
def formalize(request, initiative_id: Id, payload: FormalizeIn):
    return initiative_data(services.formalize_initiative(actor=request.auth, initiative_id=initiative_id,
                                                         tax_id=payload.tax_id, on=payload.on))


@router.post("/survival/{follow_up_id}", response={200: dict, **ERRORS},
             summary="Resultado de un seguimiento de supervivencia (¿sigue operando?, empleos, ventas)")
def survival(request, follow_up_id: Id, payload: SurvivalIn):
    fu = services.record_survival(actor=request.auth, follow_up_id=follow_up_id, **payload.dict())
    return {"id": fu.pk, "months": fu.months, "operating": fu.operating, "done_on": fu.done_on.isoformat()}


# --- business events ---------------------------------------------------------------------------------------

class EventIn(Schema):
    name: str = Field(..., max_length=200)
    date: dt.date
    municipality_code: str = Field(..., max_length=20)
    kind: str = Field("fair", pattern="^(fair|business_friday|business_round)$")
    place: str = Text(200)


class ParticipantIn(Schema):
    role: str = Field(..., pattern="^(exhibitor|buyer|visitor)$")
    initiative_id: Id | None = None
    employer_id: Id | None = None
    person_id: Id | None = None
    attended: bool = False


class ContactIn(Schema):
    initiative_id: Id
    employer_id: Id | None = None
    person_id: Id | None = None
    is_deal: bool = False
    value: Amount = None
    note: str = Text(300)


@router.post("/events", response={201: dict, **ERRORS}, summary="Crea una feria, rueda de negocios o Viernes Empresarial")
def create_event(request, payload: EventIn):
    e = services.create_event(actor=request.auth, **payload.dict())
    return with_status(201, {"id": e.pk, "name": e.name, "date": e.date.isoformat()})


@router.post("/events/{event_id}/participants", response={201: dict, **ERRORS},
             summary="Inscribe una iniciativa, un comprador o una persona (y su asistencia)")
def add_participant(request, event_id: Id, payload: ParticipantIn):
    p = services.add_participant(actor=request.auth, event_id=event_id, **payload.dict())
    return with_status(201, {"id": p.pk, "role": p.role, "attended": p.attended})


@router.post("/events/{event_id}/contacts", response={201: dict, **ERRORS},
             summary="Registra un contacto de negocios o un negocio cerrado (con valor) en el evento")
def add_contact(request, event_id: Id, payload: ContactIn):
    c = services.record_event_contact(actor=request.auth, event_id=event_id, **payload.dict())
    return with_status(201, {"id": c.pk, "is_deal": c.is_deal, "value": float(c.value) if c.value is not None else None})
