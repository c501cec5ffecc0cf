"""Seed-capital pages through Django's test client: the call form (create, edit), a call's applications, the
committee's scoring form, the award and the tranche form. Each: the happy path, bad input landing on the named
field with nothing saved, and a user of another territory refused with the database unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from factories import PASSWORD, make_user
from siee.core.models import AuditEntry
from siee.enterprise import services
from siee.enterprise.models import (
    Award,
    CommitteeScore,
    Criterion,
    GrantApplication,
    GrantCall,
    Stage,
    StepKind,
    Tranche,
)

TODAY = dt.date.today()


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def call_post(**overrides) -> dict:
    data = {"name": "Capital semilla 2026", "opens_on": (TODAY - dt.timedelta(days=1)).isoformat(),
            "closes_on": (TODAY + dt.timedelta(days=30)).isoformat(), "amount_per_award": "4.000.000",
            "budget": "20.000.000", "min_score": "60", "min_stage": str(Stage.BUSINESS_PLAN), "territories": ["CO-68001"],
            "required_course": "", "criteria-TOTAL_FORMS": "3", "criteria-INITIAL_FORMS": "0",
            "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "12",
            "criteria-0-name": "Viabilidad", "criteria-0-weight": "3", "criteria-0-max_score": "5",
            "criteria-1-name": "Empleo", "criteria-1-weight": "2", "criteria-1-max_score": "10",
            "criteria-2-name": "", "criteria-2-weight": "", "criteria-2-max_score": "5"}
    data.update(overrides)
    return data


@pytest.fixture
def call(actors, adviser):
    return services.create_call(actor=adviser, territory_codes=["68001"], criteria=[{"name": "Viabilidad", "weight": 1}], data={
        "name": "Semilla Web", "opens_on": TODAY - dt.timedelta(days=1), "closes_on": TODAY + dt.timedelta(days=1),
        "amount_per_award": "1000000", "budget": "5000000", "min_stage": Stage.BUSINESS_PLAN})


@pytest.fixture
def ready(adviser, bakery):
    """The bakery at "business plan": eligible for the call."""
    for kind in (StepKind.DIAGNOSIS, StepKind.TRAINING):
        services.complete_step(actor=adviser, initiative_id=bakery.pk, kind=kind)
    return services.change_stage(actor=adviser, initiative_id=bakery.pk, stage=Stage.BUSINESS_PLAN)


@pytest.fixture
def cali_adviser(actors):
    return make_user(actors.other, "business_adviser", "asesor_cali")


# --- call form ---------------------------------------------------------------------------------------------

def test_adviser_creates_a_call_with_rules_and_weighted_criteria_then_edits_it(adviser):
    web = login(adviser)
    assert web.get("/emprendimiento/convocatorias/nueva/").status_code == 200
    r = web.post("/emprendimiento/convocatorias/nueva/", call_post(require_registered="on", required_course="EMP-101"))
    call = GrantCall.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/emprendimiento/convocatorias/{call.pk}/"
    assert (call.name, call.amount_per_award, call.budget, call.min_stage, call.min_score, call.require_registered,
            call.required_course, call.organization_id) == (
        "Capital semilla 2026", Decimal("4000000.00"), Decimal("20000000.00"), Stage.BUSINESS_PLAN, 60.0, True, "EMP-101",
        adviser.organization_id)
    assert list(call.territories.values_list("code", flat=True)) == ["68001"]
    assert list(call.criteria.values_list("name", "weight", "max_score")) == [("Viabilidad", 3.0, 5.0), ("Empleo", 2.0, 10.0)]
    assert AuditEntry.objects.filter(actor=adviser, action="create", object_type="grantcall").count() == 1
    html = web.get(f"/emprendimiento/convocatorias/{call.pk}/").content.decode()
    assert "Etapa mínima: Plan de negocio" in html and "Formalizada con NIT / RUT" in html

    edit = web.get(f"/emprendimiento/convocatorias/{call.pk}/editar/")
    assert edit.context["form"].initial["budget"] == "20000000"
    r = web.post(f"/emprendimiento/convocatorias/{call.pk}/editar/", call_post(
        budget="30.000.000", require_registered="on", required_course="EMP-101", **{"criteria-TOTAL_FORMS": "3", "criteria-2-name": "Inclusión", "criteria-2-weight": "1"}))
    assert r.status_code == 302
    call.refresh_from_db()
    assert call.budget == Decimal("30000000.00")
    assert list(call.criteria.values_list("name", "weight")) == [("Viabilidad", 3.0), ("Empleo", 2.0), ("Inclusión", 1.0)]
    assert AuditEntry.objects.get(actor=adviser, action="update", object_type="grantcall").fields == ["budget", "criteria"]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"closes_on": (TODAY - dt.timedelta(days=5)).isoformat()}, "closes_on", "La fecha de cierre es anterior a la de apertura."),
    ({"budget": "mucho"}, "budget", "«mucho» no es un número."),
    ({"budget": "1.000.000"}, "budget", "El presupuesto ($ 1.000.000) no alcanza para un solo beneficiario ($ 4.000.000)."),
    ({"amount_per_award": ""}, "amount_per_award", "Este campo es obligatorio."),
    ({"min_score": "120"}, "min_score", "Asegúrese de que este valor es menor o igual a 100."),
    ({"territories": ["CO-76001"]}, "territories", "Elija una opción de la lista."),
])
def test_call_form_bad_input_is_refused_on_the_named_field(adviser, overrides, field, message):
    r = login(adviser).post("/emprendimiento/convocatorias/nueva/", call_post(**overrides))
    assert r.status_code == 200
    assert r.context["form"].errors == {field: [message]}
    assert not GrantCall.objects.exists()


def test_call_form_criteria_errors_are_named(adviser):
    web = login(adviser)
    r = web.post("/emprendimiento/convocatorias/nueva/", call_post(**{"criteria-1-weight": "-2"}))
    assert r.context["formset"].errors[1] == {"weight": ["Asegúrese de que este valor es mayor o igual a 0.01."]}
    r = web.post("/emprendimiento/convocatorias/nueva/", call_post(**{"criteria-0-name": "", "criteria-0-weight": "",
                                                                      "criteria-1-name": "", "criteria-1-weight": ""}))
    assert r.context["criteria_errors"] == ["La convocatoria necesita al menos un criterio de evaluación."]
    assert "La convocatoria necesita al menos un criterio de evaluación." in r.content.decode()
    r = web.post("/emprendimiento/convocatorias/nueva/", call_post(**{"criteria-1-name": "viabilidad"}))
    assert r.context["criteria_errors"] == ["El criterio «viabilidad» está repetido."]
    assert not GrantCall.objects.exists() and not Criterion.objects.exists()


def test_call_edit_keeps_budget_above_awards_and_criteria_once_scored(adviser, ready, call, snapshot):
    app = services.apply_to_call(actor=adviser, call_id=call.pk, initiative_id=ready.pk)
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 5})
    services.award_application(actor=adviser, application_id=app.pk, tranches=[{"amount": "1000000", "milestone": "Horno"}])
    web = login(adviser)
    url = f"/emprendimiento/convocatorias/{call.pk}/editar/"
    base = call_post(name="Semilla Web", amount_per_award="1000000", **{"criteria-TOTAL_FORMS": "1", "criteria-0-weight": "1",
                                                                         "criteria-0-max_score": "5"})
    before = snapshot()
    r = web.post(url, {**base, "budget": "900.000"})
    assert r.context["form"].errors == {"budget": ["El presupuesto ($ 900.000) no alcanza para un solo beneficiario ($ 1.000.000)."]}
    r = web.post(url, {**base, "amount_per_award": "500000", "budget": "900.000"})
    assert r.context["form"].errors == {"budget": ["El presupuesto no puede ser menor que lo ya adjudicado ($ 1.000.000)."]}
    r = web.post(url, {**base, "budget": "5000000", "criteria-0-weight": "2"})
    assert r.context["criteria_errors"] == ["Los criterios no se pueden cambiar: el comité ya calificó postulaciones."]
    assert snapshot() == before
    assert web.post(url, {**base, "budget": "6000000"}).status_code == 302
    call.refresh_from_db()
    assert call.budget == Decimal("6000000.00") and CommitteeScore.objects.count() == 1


def test_other_territory_and_counsellor_cannot_open_or_edit_a_call(actors, adviser, call, cali_adviser, snapshot):
    before = snapshot()
    outsider = login(cali_adviser)
    assert outsider.get(f"/emprendimiento/convocatorias/{call.pk}/").status_code == 404
    assert outsider.get(f"/emprendimiento/convocatorias/{call.pk}/editar/").status_code == 404
    assert outsider.post(f"/emprendimiento/convocatorias/{call.pk}/editar/", call_post(budget="1")).status_code == 404
    assert "Semilla Web" not in outsider.get("/emprendimiento/convocatorias/").content.decode()
    counsellor = login(actors.counsellor)  # same territory, but counsellors do not open calls
    assert counsellor.get("/emprendimiento/convocatorias/nueva/").status_code == 403
    assert counsellor.post(f"/emprendimiento/convocatorias/{call.pk}/editar/", call_post()).status_code == 403
    assert snapshot() == before
    assert AuditEntry.objects.filter(actor=cali_adviser, action="denied", object_type="grantcall").count() == 3


# --- applications, committee, award, tranches --------------------------------------------------------------

def test_apply_score_award_add_tranche_and_pay_through_the_pages(actors, adviser, ready, call):
    web = login(adviser)
    r = web.post(f"/emprendimiento/convocatorias/{call.pk}/", {"initiative": ready.pk})
    app = GrantApplication.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/emprendimiento/postulaciones/{app.pk}/"
    assert app.status == "eligible"
    html = web.get(f"/emprendimiento/convocatorias/{call.pk}/").content.decode()
    assert "Panadería Dulce Hogar" in html and f'data-application="{app.pk}"' in html
    crit = call.criteria.get()
    url = f"/emprendimiento/postulaciones/{app.pk}/"
    assert web.post(url, {"action": "score", "scorer": "Jurado 1", f"crit_{crit.pk}": "4"}).status_code == 302
    assert web.post(url, {"action": "score", "scorer": "Jurado 2", f"crit_{crit.pk}": "5"}).status_code == 302
    app.refresh_from_db()
    assert app.score == 90.0
    assert list(CommitteeScore.objects.order_by("scorer_label").values_list("scorer_label", "value")) == [
        ("Jurado 1", 4.0), ("Jurado 2", 5.0)]
    r = web.post(url, {"action": "award", "amount": "", "amount1": "600.000", "milestone1": "Compra del horno",
                       "amount2": "300.000", "milestone2": "Primeras ventas"})
    assert r.status_code == 302
    award = Award.objects.get()
    assert (award.amount, list(award.tranches.values_list("number", "amount", "milestone"))) == (
        Decimal("1000000.00"), [(1, Decimal("600000.00"), "Compra del horno"), (2, Decimal("300000.00"), "Primeras ventas")])
    # the tranche form: one over the award is refused on its amount, nothing saved
    r = web.post(url, {"action": "tranche", "amount": "150.000", "milestone": "Extra"})
    assert r.status_code == 200
    assert r.context["tranche_form"].errors == {"amount": [
        "Con este desembolso el plan sumaría $ 1.050.000 y superaría el monto adjudicado de $ 1.000.000."]}
    assert 'id="id_amount_errors"' in r.content.decode()
    assert award.tranches.count() == 2
    assert web.post(url, {"action": "tranche", "amount": "100.000", "milestone": "Formalización"}).status_code == 302
    assert list(award.tranches.values_list("number", "amount")) == [
        (1, Decimal("600000.00")), (2, Decimal("300000.00")), (3, Decimal("100000.00"))]
    first = award.tranches.get(number=1)
    assert web.post(url, {"action": "pay", "tranche": first.pk}).status_code == 302
    first.refresh_from_db()
    assert (first.status, first.paid_on) == ("paid", TODAY)
    html = web.get(url).content.decode()
    assert "Compra del horno" in html and "Formalización" in html


def test_application_bad_input_names_the_field_and_saves_nothing(adviser, ready, call, snapshot):
    app = services.apply_to_call(actor=adviser, call_id=call.pk, initiative_id=ready.pk)
    crit = call.criteria.get()
    web = login(adviser)
    url = f"/emprendimiento/postulaciones/{app.pk}/"
    before = snapshot()
    r = web.post(url, {"action": "score", "scorer": "Jurado 1", f"crit_{crit.pk}": "7"})
    assert r.context["score_form"].errors == {f"crit_{crit.pk}": ["Asegúrese de que este valor es menor o igual a 5.0."]}
    r = web.post(url, {"action": "score", "scorer": "", f"crit_{crit.pk}": "4"})
    assert r.context["score_form"].errors == {"scorer": ["Este campo es obligatorio."]}
    # no score yet: the award is refused (the committee's minimum), then a plan over the award
    r = web.post(url, {"action": "award", "amount1": "500000", "milestone1": "Horno"})
    assert r.context["award_form"].errors == {"__all__": ["El puntaje del comité (-) no alcanza el mínimo de 60."]}
    assert snapshot() == before
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 5})
    before = snapshot()
    r = web.post(url, {"action": "award", "amount1": "800000", "milestone1": "Horno", "amount2": "300000", "milestone2": "Ventas"})
    assert r.context["award_form"].errors == {"__all__": [
        "Los desembolsos suman $ 1.100.000 y superan el monto adjudicado de $ 1.000.000."]}
    r = web.post(url, {"action": "award", "amount1": "diez", "milestone1": "Horno"})
    assert r.context["award_form"].errors == {"amount1": ["«diez» no es un número."]}
    r = web.post(url, {"action": "award", "amount1": "500000", "milestone1": "Horno", "amount2": "100000"})
    assert r.context["award_form"].errors == {"milestone2": ["Indique el hito de este desembolso."]}
    assert snapshot() == before and not Award.objects.exists()


def test_other_territory_cannot_see_score_award_or_pay(actors, adviser, ready, call, cali_adviser, snapshot):
    app = services.apply_to_call(actor=adviser, call_id=call.pk, initiative_id=ready.pk)
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 5})
    award = services.award_application(actor=adviser, application_id=app.pk, tranches=[{"amount": "500000", "milestone": "Horno"}])
    tranche = award.tranches.get()
    crit = call.criteria.get()
    before = snapshot()
    for user in (actors.outsider, cali_adviser):
        web = login(user)
        url = f"/emprendimiento/postulaciones/{app.pk}/"
        assert web.get(url).status_code == 404
        assert web.post(url, {"action": "score", "scorer": "x", f"crit_{crit.pk}": "1"}).status_code == 404
        assert web.post(url, {"action": "tranche", "amount": "1", "milestone": "x"}).status_code == 404
        assert web.post(url, {"action": "pay", "tranche": tranche.pk}).status_code == 404
    assert snapshot() == before
    assert Tranche.objects.get().status == "planned"
