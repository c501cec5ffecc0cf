"""Enterprise pages: the public catalogue (search, per-territory catalogue, an initiative's public page with
schema.org markup, photos) and the staff pages (adviser worklist, initiative record, supplier ranking of a need).

Thin: selectors read with the acting user's scope, services write; another territory's record is a 404.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from siee.core.errors import ValidationFailed
from siee.core.models import Territory, TerritoryLevel
from siee.core.selectors import find_territory, territory_subtree_ids
from siee.enterprise import catalog, selectors, services
from siee.enterprise.forms import DiagnosisForm, SessionForm, SurvivalForm
from siee.enterprise.models import BusinessInitiative, ProductPhoto, RouteDirection, Stage
from siee.taxonomy.models import Sector
from siee.web.permissions import domain_errors_as_http, personal_data_required

# --- public catalogue -------------------------------------------------------------------------------------


def _catalog_municipalities():
    ids = BusinessInitiative.objects.filter(public=True).values_list("municipality_id", flat=True).distinct()
    return [(t.code, t.display_name()) for t in Territory.objects.filter(pk__in=list(ids)).select_related("parent").order_by("name")]


def catalog_view(request, territory_code: str | None = None):
    q = (request.GET.get("q") or "").strip()[:200]
    code = territory_code or (request.GET.get("municipio") or "").strip()
    territory = find_territory(code) if code else None
    if code and territory is None:
        raise Http404(_("Territorio desconocido."))
    sector_code = (request.GET.get("sector") or "").strip()
    sector = Sector.objects.filter(code=sector_code).first() if sector_code else None
    territory_ids = territory_subtree_ids([territory]) if territory else None
    results = catalog.search(q, territory_ids=territory_ids, sector_id=sector.pk if sector else None, limit=30)
    return render(request, "enterprise/catalog.html", {
        "q": q, "territory": territory, "fixed_territory": bool(territory_code), "results": results,
        "municipalities": _catalog_municipalities(), "municipality": territory.code if territory else "",
        "sectors": Sector.objects.filter(level=2).order_by("code"), "sector": sector_code,
    })


def _json_ld(ini: BusinessInitiative, products, request) -> str:
    page = request.build_absolute_uri(reverse("enterprise:public_initiative", args=[ini.slug]))
    offers = []
    for p in products:
        product = {"@type": "Product" if p.kind == "product" else "Service", "name": p.name, "description": p.description}
        photo = p.photos.first()
        if photo:
            product["image"] = request.build_absolute_uri(reverse("enterprise:photo", args=[photo.pk]))
        offer = {"@type": "Offer", "itemOffered": product, "priceCurrency": ini.currency}
        if p.price_min is not None and (p.price_max is None or p.price_max == p.price_min):
            offer["price"] = str(p.price_min)
        elif p.price_min is not None or p.price_max is not None:
            offer["priceSpecification"] = {"@type": "PriceSpecification", "priceCurrency": ini.currency,
                                           **({"minPrice": str(p.price_min)} if p.price_min is not None else {}),
                                           **({"maxPrice": str(p.price_max)} if p.price_max is not None else {})}
        offers.append(offer)
    data = {
        "@context": "https://schema.org", "@type": "LocalBusiness", "name": ini.name, "url": page,
        "description": ini.public_description or ini.description,
        "address": {"@type": "PostalAddress", "streetAddress": ini.address, "addressLocality": ini.municipality.name,
                    "addressCountry": ini.municipality.country},
        "makesOffer": offers,
    }
    if ini.phone or ini.whatsapp:
        data["telephone"] = ini.phone or ini.whatsapp
    if ini.email:
        data["email"] = ini.email
    if ini.delivery_area:
        data["areaServed"] = ini.delivery_area
    # "</" must not close the script element
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def public_initiative(request, slug: str):
    ini = get_object_or_404(BusinessInitiative.objects.select_related("municipality", "sector"), slug=slug, public=True)
    if ini.stage == Stage.CLOSED:
        raise Http404
    products = list(ini.products.filter(active=True).prefetch_related("photos"))
    for p in products:
        p.price_label = catalog._price(p) if (p.price_min is not None or p.price_max is not None) else ""
    return render(request, "enterprise/public_initiative.html", {
        "ini": ini, "products": products, "json_ld": _json_ld(ini, products, request),
    })


@cache_control(public=True, max_age=86400)
def product_photo(request, photo_id: int):
    photo = get_object_or_404(ProductPhoto.objects.select_related("product__initiative"), pk=photo_id,
                              product__initiative__public=True)
    return HttpResponse(bytes(photo.data), content_type="image/jpeg")


# --- staff ------------------------------------------------------------------------------------------------

@personal_data_required
@domain_errors_as_http
def initiatives(request):
    stage = request.GET.get("etapa") or ""
    q = (request.GET.get("q") or "").strip()
    worklist = selectors.adviser_worklist(request.user)
    qs = selectors.initiatives_for(request.user, q=q or None, stage=int(stage) if stage.isdigit() else None)
    by_stage = [(s, s.label, worklist["by_stage"].get(int(s), 0)) for s in Stage if s != Stage.CLOSED]
    return render(request, "enterprise/initiatives.html", {
        "object_list": qs.order_by("-created_at")[:100], "total": qs.count(), "q": q, "stage": stage,
        "stages": Stage.choices, "by_stage": by_stage, "tasks": worklist["tasks"][:20],
        "follow_ups": worklist["follow_ups"][:20], "needs": selectors.needs_for(request.user, status="open")[:20],
    })


def _session_at(day):
    """A session dated today keeps the current time; an earlier date is recorded at noon, local time."""
    if day is None or day == timezone.localdate():
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _initiative_forms(request, ini, action):
    post = request.POST if request.method == "POST" else None
    questionnaire = services.default_questionnaire()
    follow_ups = selectors.due_follow_ups(ini)
    posted_fu = str(request.POST.get("follow_up") or "") if action == "survival" else ""
    return {
        "session_form": SessionForm(post if action == "session" else None),
        "diagnosis_form": DiagnosisForm(post if action == "diagnosis" else None, questionnaire=questionnaire),
        "survival_forms": [(fu, SurvivalForm(post if posted_fu == str(fu.pk) else None, prefix=f"fu{fu.pk}"))
                           for fu in follow_ups],
    }


def _initiative_action(request, ini, action, forms_) -> bool:
    """Run one POSTed action of the initiative page; True when it was saved. Form errors stay on the bound form."""
    if action == "session":
        form = forms_["session_form"]
        if not form.is_valid():
            return False
        d = form.cleaned_data
        try:
            services.record_session(actor=request.user, initiative_id=ini.pk, notes=d["notes"], minutes=d.get("minutes") or 60,
                                    tasks=form.task_list(), at=_session_at(d.get("on")))
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
            return False
        return True
    if action == "diagnosis":
        form = forms_["diagnosis_form"]
        if not form.is_valid():
            return False
        try:
            services.record_diagnosis(actor=request.user, initiative_id=ini.pk, answers=form.answers(),
                                      questionnaire_id=form.questionnaire.pk)
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
            return False
        return True
    if action == "survival":
        fu_id = str(request.POST.get("follow_up") or "")
        match = [(fu, f) for fu, f in forms_["survival_forms"] if str(fu.pk) == fu_id]
        if not match:
            raise ValidationFailed(_("Ese seguimiento no está pendiente para esta iniciativa."), field="follow_up")
        fu, form = match[0]
        if not form.is_valid():
            return False
        try:
            services.record_survival(actor=request.user, follow_up_id=fu.pk, **form.service_kwargs())
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
            return False
        return True
    if action == "task_done":
        task_id = str(request.POST.get("task") or "")
        task = ini.tasks.filter(pk=int(task_id)).first() if task_id.isdigit() else None
        if task is None:
            raise ValidationFailed(_("Tarea no encontrada."), field="task")
        services.complete_task(actor=request.user, task_id=task.pk)
    elif action == "stage":
        services.change_stage(actor=request.user, initiative_id=ini.pk, stage=int(request.POST.get("stage") or 0))
    elif action == "step":
        services.complete_step(actor=request.user, initiative_id=ini.pk, kind=request.POST.get("kind"))
    elif action == "product":
        photos = [(f.name, f.read()) for f in request.FILES.getlist("photo")]
        services.add_product(actor=request.user, initiative_id=ini.pk, photos=photos, data={
            k: request.POST.get(k, "") for k in ("name", "description", "price_min", "price_max", "unit", "kind")})
    elif action == "pay":
        services.pay_tranche(actor=request.user, tranche_id=request.POST.get("tranche"))
    elif action == "publish":
        services.publish_initiative(actor=request.user, initiative_id=ini.pk, public=request.POST.get("public") == "1",
                                    contact={k: request.POST.get(k, "") for k in (
                                        "whatsapp", "phone", "email", "delivery_area", "public_description")})
    else:
        raise ValidationFailed(_("Acción desconocida."), field="action")
    return True


@personal_data_required
@domain_errors_as_http
def initiative_detail(request, initiative_id: int):
    ini = selectors.get_initiative_for(request.user, initiative_id)
    action = request.POST.get("action") if request.method == "POST" else None
    forms_ = _initiative_forms(request, ini, action)
    if action is not None:
        try:
            saved = _initiative_action(request, ini, action, forms_)
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            if saved:
                messages.success(request, _("Cambios guardados."))
                return redirect("enterprise:initiative", ini.pk)
            messages.error(request, _("Revise los campos marcados."))
    done = set(ini.step_completions.values_list("step_id", flat=True))
    steps = [(s, s.pk in done) for s in services.route_steps(ini.organization_id)]
    return render(request, "enterprise/initiative_detail.html", {
        "ini": ini, "events": ini.events.select_related("actor")[:50], "steps": steps,
        "sessions": ini.sessions.prefetch_related("tasks")[:10], "products": ini.products.all(),
        "stages": Stage.choices, "diagnoses": ini.diagnoses.all()[:3], "action": action,
        "follow_ups": ini.survival_follow_ups.all(), "members": ini.members.select_related("person"),
        "awards": [a.award for a in ini.grant_applications.filter(status="awarded").select_related("award", "call")],
        "applications": ini.grant_applications.select_related("call").order_by("-submitted_at"),
        **forms_,
    })


@require_POST
@personal_data_required
@domain_errors_as_http
def refer_person(request, person_id: int):
    direction = request.POST.get("direction", "to_entrepreneurship")
    try:
        if direction not in RouteDirection.values:
            raise ValidationFailed(_("Dirección de la remisión desconocida."), field="direction")
        if direction == "to_employment":
            services.refer_to_employment(actor=request.user, person_id=person_id, reason=request.POST.get("reason", ""))
        else:
            services.refer_to_entrepreneurship(actor=request.user, person_id=person_id, reason=request.POST.get("reason", ""))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Remisión registrada en la historia de la persona."))
    return redirect("people:detail", person_id)


def territory_catalog(request, code: str):
    t = find_territory(code)
    if t is None or t.level not in (TerritoryLevel.MUNICIPALITY, TerritoryLevel.REGION, TerritoryLevel.GROUP,
                                    TerritoryLevel.DISTRICT):
        raise Http404
    return catalog_view(request, territory_code=code)


@personal_data_required
@domain_errors_as_http
def initiative_create(request):
    """Register an initiative for a person of the registry (the owner); optionally refer them to the route."""
    from siee.people.selectors import get_person_for

    person_id = request.POST.get("person") or request.GET.get("persona")
    person = get_person_for(request.user, person_id) if person_id else None
    if request.method == "POST":
        try:
            if person is None:
                raise ValidationFailed(_("Indique la persona titular."), field="person")
            if request.POST.get("refer") == "1":
                services.refer_to_entrepreneurship(actor=request.user, person_id=person.pk,
                                                   reason=request.POST.get("reason", ""))
            ini = services.create_initiative(actor=request.user, owner_id=person.pk, data={
                k: request.POST.get(k, "") for k in ("name", "description", "sector")})
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Iniciativa registrada."))
            return redirect("enterprise:initiative", ini.pk)
    return render(request, "enterprise/initiative_form.html", {
        "person": person, "sectors": Sector.objects.filter(level=2).order_by("code"), "values": request.POST})
