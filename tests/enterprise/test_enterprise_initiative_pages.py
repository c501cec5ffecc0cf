"""The initiative page's forms (diagnosis questionnaire, advisory session with agreed tasks, survival follow-up)
and the entrepreneurship section of the person page (route referral both ways, the person's initiatives), through
Django's test client. Each: the happy path, bad input on the named field with nothing saved, and another
territory refused with the database unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from factories import CONSENT, PASSWORD, make_person, person_data
from siee.core.models import AuditEntry
from siee.enterprise import services
from siee.enterprise.models import AgreedTask, Diagnosis, RouteReferral, StepKind
from siee.people.services import register_self_service_person

ANSWERS = {"market": "4", "product": "4", "finance": "2", "operations": "0", "formal": "4"}


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def due(adviser, bakery):
    """The bakery started operating six months ago: its 6-month survival follow-up is due today."""
    services.schedule_survival_follow_ups(bakery, base=services.add_months(timezone.localdate(), -6), basis="operation")
    return bakery.survival_follow_ups.get(months=6)


# --- diagnosis ---------------------------------------------------------------------------------------------

def test_diagnosis_questionnaire_scores_and_ticks_the_route_step(adviser, bakery):
    web = login(adviser)
    page = web.get(f"/emprendimiento/{bakery.pk}/")
    assert list(page.context["diagnosis_form"].fields) == ["market", "product", "finance", "operations", "formal"]
    r = web.post(f"/emprendimiento/{bakery.pk}/", {"action": "diagnosis", **ANSWERS})
    assert r.status_code == 302
    d = Diagnosis.objects.get()
    # (2*4 + 1*4 + 2*2 + 1*0 + 1*4) / 4 / 7 = 20 / 28
    assert (d.score, d.answers, d.area_scores) == (71.4, {k: int(v) for k, v in ANSWERS.items()}, {
        "Mercado": 100.0, "Producto": 100.0, "Finanzas": 50.0, "Operación": 0.0, "Formalización": 100.0})
    assert list(bakery.step_completions.values_list("step__kind", flat=True)) == [StepKind.DIAGNOSIS]
    assert "71,4 / 100" in web.get(f"/emprendimiento/{bakery.pk}/").content.decode()


def test_diagnosis_bad_answer_is_refused_on_its_question(adviser, bakery, snapshot):
    web = login(adviser)
    before = snapshot()
    r = web.post(f"/emprendimiento/{bakery.pk}/", {"action": "diagnosis", **ANSWERS, "finance": "7"})
    assert r.status_code == 200
    assert r.context["diagnosis_form"].errors == {"finance": ["Elija una opción de la lista."]}
    r = web.post(f"/emprendimiento/{bakery.pk}/", {"action": "diagnosis", **{k: v for k, v in ANSWERS.items() if k != "market"}})
    assert r.context["diagnosis_form"].errors == {"market": ["Este campo es obligatorio."]}
    assert 'id="id_market_0"' in r.content.decode()
    assert snapshot() == before and not Diagnosis.objects.exists()


# --- advisory sessions and agreed tasks --------------------------------------------------------------------

def test_session_form_records_date_duration_and_tasks_with_due_date_then_a_task_is_done(adviser, bakery):
    web = login(adviser)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    due_on = timezone.localdate() + dt.timedelta(days=14)
    r = web.post(f"/emprendimiento/{bakery.pk}/", {"action": "session", "notes": "Costeo del pan", "minutes": "90",
                                                   "on": yesterday.isoformat(), "tasks": "Calcular costos\n\nVisitar proveedor",
                                                   "tasks_due_on": due_on.isoformat()})
    assert r.status_code == 302
    session = bakery.sessions.get()
    assert (session.notes, session.minutes, timezone.localtime(session.at).date(), session.adviser_id) == (
        "Costeo del pan", 90, yesterday, adviser.pk)
    assert list(AgreedTask.objects.order_by("id").values_list("description", "due_on", "done_at")) == [
        ("Calcular costos", due_on, None), ("Visitar proveedor", due_on, None)]
    task = AgreedTask.objects.order_by("id").first()
    assert web.post(f"/emprendimiento/{bakery.pk}/", {"action": "task_done", "task": task.pk}).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"notes": ""}, "notes", "Este campo es obligatorio."),
    ({"on": "2999-01-01"}, "on", "La sesión no puede tener fecha futura."),
    ({"minutes": "0"}, "minutes", "Asegúrese de que este valor es mayor o igual a 5."),
    ({"tasks_due_on": "pronto"}, "tasks_due_on", "Fecha no válida. Use el formato AAAA-MM-DD."),
])
def test_session_bad_input_is_refused_on_the_named_field(adviser, bakery, snapshot, overrides, field, message):
    before = snapshot()
    r = login(adviser).post(f"/emprendimiento/{bakery.pk}/", {"action": "session", "notes": "Sesión", "tasks": "Tarea",
                                                              **overrides})
    assert r.status_code == 200 and r.context["session_form"].errors == {field: [message]}
    assert snapshot() == before


# --- survival follow-up ------------------------------------------------------------------------------------

def test_due_survival_follow_up_is_recorded_from_the_initiative_page(adviser, bakery, due):
    web = login(adviser)
    page = web.get(f"/emprendimiento/{bakery.pk}/")
    assert [fu.months for fu, _form in page.context["survival_forms"]] == [6]
    r = web.post(f"/emprendimiento/{bakery.pk}/", {"action": "survival", "follow_up": due.pk, f"fu{due.pk}-operating": "1",
                                                   f"fu{due.pk}-jobs": "3", f"fu{due.pk}-monthly_sales": "2.500.000",
                                                   f"fu{due.pk}-notes": "Abrió un segundo punto"})
    assert r.status_code == 302
    due.refresh_from_db()
    assert (due.done_on, due.operating, due.jobs, due.monthly_sales, due.notes) == (
        timezone.localdate(), True, 3, Decimal("2500000.00"), "Abrió un segundo punto")
    assert web.get(f"/emprendimiento/{bakery.pk}/").context["survival_forms"] == []
    # a second recording of the same follow-up is refused, by the page and by the service
    r = web.post(f"/emprendimiento/{bakery.pk}/", {"action": "survival", "follow_up": due.pk, f"fu{due.pk}-operating": "0"})
    assert "Ese seguimiento no está pendiente para esta iniciativa." in r.content.decode()
    with pytest.raises(services.ValidationFailed) as exc:
        services.record_survival(actor=adviser, follow_up_id=due.pk, operating=False)
    assert exc.value.field == "follow_up"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"operating": ""}, "operating", "Este campo es obligatorio."),
    ({"jobs": "-1"}, "jobs", "Asegúrese de que este valor es mayor o igual a 0."),
    ({"monthly_sales": "mucho"}, "monthly_sales", "«mucho» no es un número."),
])
def test_survival_bad_input_is_refused_on_the_named_field(adviser, bakery, due, snapshot, overrides, field, message):
    data = {"operating": "1", "jobs": "2", "monthly_sales": "", **overrides}
    before = snapshot()
    r = login(adviser).post(f"/emprendimiento/{bakery.pk}/", {"action": "survival", "follow_up": due.pk,
                                                              **{f"fu{due.pk}-{k}": v for k, v in data.items()}})
    assert r.status_code == 200
    assert [form.errors for _fu, form in r.context["survival_forms"]] == [{field: [message]}]
    assert snapshot() == before


def test_other_territory_cannot_use_the_initiative_page_forms(actors, adviser, bakery, due, snapshot):
    services.record_session(actor=adviser, initiative_id=bakery.pk, notes="Sesión", tasks=[{"description": "Tarea"}])
    task = AgreedTask.objects.get()
    before = snapshot()
    outsider = login(actors.outsider)
    url = f"/emprendimiento/{bakery.pk}/"
    for data in ({"action": "diagnosis", **ANSWERS}, {"action": "session", "notes": "Intrusión"},
                 {"action": "survival", "follow_up": due.pk, f"fu{due.pk}-operating": "0"},
                 {"action": "task_done", "task": task.pk}):
        assert outsider.post(url, data).status_code == 404
    assert snapshot() == before
    assert AuditEntry.objects.filter(actor=actors.outsider, action="denied", object_type="businessinitiative").count() == 4


# --- the person page: route referral both ways, the person's initiatives ---------------------------------

def test_person_page_refers_to_entrepreneurship_and_back_and_lists_initiatives(actors, adviser, owner, bakery):
    web = login(actors.counsellor)
    html = web.get(f"/personas/{owner.pk}/").content.decode()
    assert 'id="enterprise-route"' in html and "En la ruta de empleo" in html
    assert f'href="/emprendimiento/{bakery.pk}/">Panadería Dulce Hogar</a>' in html
    assert 'name="direction" value="to_entrepreneurship"' in html and "Remitir a la ruta de emprendimiento" in html
    r = web.post(f"/emprendimiento/remitir/{owner.pk}/", {"direction": "to_entrepreneurship", "reason": "Quiere emprender"})
    assert r.status_code == 302 and r["Location"] == f"/personas/{owner.pk}/"
    html = web.get(f"/personas/{owner.pk}/").content.decode()
    assert "En la ruta de emprendimiento" in html and "Quiere emprender" in html
    assert 'name="direction" value="to_employment"' in html and "Remitir de vuelta a la ruta de empleo" in html
    assert web.post(f"/emprendimiento/remitir/{owner.pk}/", {"direction": "to_employment", "reason": "Cerró"}).status_code == 302
    assert list(RouteReferral.objects.order_by("id").values_list("direction", "reason", "by_id")) == [
        ("to_entrepreneurship", "Quiere emprender", actors.counsellor.pk), ("to_employment", "Cerró", actors.counsellor.pk)]
    assert services.route_of(owner) == "employment"


def test_person_page_route_bad_direction_and_other_territory(actors, owner, bakery, snapshot):
    web = login(actors.counsellor)
    r = web.post(f"/emprendimiento/remitir/{owner.pk}/", {"direction": "a_la_luna"}, follow=True)
    assert "Dirección de la remisión desconocida." in r.content.decode()
    assert not RouteReferral.objects.exists()
    before = snapshot()
    outsider = login(actors.outsider)
    assert outsider.get(f"/personas/{owner.pk}/").status_code == 404
    assert outsider.post(f"/emprendimiento/remitir/{owner.pk}/", {"direction": "to_entrepreneurship"}).status_code == 404
    assert snapshot() == before and not RouteReferral.objects.exists()


def test_person_page_shows_team_membership_and_no_section_for_the_job_seeker_self_view(actors, adviser, bakery):
    partner = make_person(actors.counsellor, first_names="Rosa", last_names="Díaz")
    services.add_team_member(actor=adviser, initiative_id=bakery.pk, person_id=partner.pk, role="Socia")
    html = login(actors.counsellor).get(f"/personas/{partner.pk}/").content.decode()
    assert "Panadería Dulce Hogar</a> · Idea <small class=\"muted\">(miembro del equipo)</small>" in html
    me = register_self_service_person(username="rosa_autoservicio", password=PASSWORD, consent=CONSENT,
                                      data=person_data(first_names="Rosa"))
    services.create_initiative(actor=adviser, owner_id=me.pk, data={"name": "Arepas Rosa"})
    html = login(me.user).get("/personas/mi-perfil/").content.decode()
    assert "Rosa" in html and 'id="enterprise-route"' not in html and "Remitir" not in html
