"""Staff forms of the training app through Django's test client: providers, results-linked contracts, course
edits, a session's attendance roster, cohort status and sessions. Each: the happy path, bad input shown on the
field with nothing saved, and the Cali counsellor refused (404) with the database unchanged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from factories import PASSWORD, make_person, make_user
from siee.core.models import AuditEntry, Organization
from siee.training import services
from siee.training.models import Attendance, Cohort, Course, ResultsContract, Session


def _login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _errors(html: str, field: str) -> list[str]:
    """The messages of a form field's error list (`id_<field>_errors`)."""
    m = re.search(rf'<ul class="errorlist" id="id_{field}_errors">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", m.group(1)) if m else []


@pytest.fixture
def cohort(actors, kitchen):
    start = timezone.localdate() - dt.timedelta(days=10)
    return services.create_cohort(actor=actors.counsellor, course_id=kitchen["course"].pk, name="Cohorte Marzo",
                                  start_date=start, end_date=start + dt.timedelta(days=20),
                                  session_dates=[start, start + dt.timedelta(days=7)])


# --- providers -------------------------------------------------------------------------------------------------

def test_provider_list_create_edit_and_page(actors, kitchen):
    c = _login(actors.counsellor)
    html = c.get("/formacion/proveedores/").content.decode()
    assert "Escuela Gastronómica de Santander (prueba)" in html
    data = {"name": "Academia Santandereana de Cocina", "tax_id": "900123456-7", "email": "info@academia.co",
            "phone": "6076300000", "territories": ["CO-68001"]}
    r = c.post("/formacion/proveedores/nuevo/", {**data, "territories": [], "email": "correo"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "Escriba un correo electrónico válido." in html and "Este campo es obligatorio." in html
    r = c.post("/formacion/proveedores/nuevo/", {**data, "name": kitchen["provider"].name})
    assert "Ya existe una organización con ese nombre." in r.content.decode()
    assert Organization.objects.filter(kind="training_provider").count() == 1
    r = c.post("/formacion/proveedores/nuevo/", data)
    provider = Organization.objects.get(name="Academia Santandereana de Cocina")
    assert r.status_code == 302 and r["Location"] == f"/formacion/proveedores/{provider.pk}/"
    assert (provider.kind, provider.tax_id, list(provider.territories.values_list("code", flat=True))) == (
        "training_provider", "900123456-7", ["68001"])
    assert AuditEntry.objects.filter(object_type="organization", object_id=str(provider.pk), action="create").exists()

    html = c.get(f"/formacion/proveedores/{provider.pk}/editar/").content.decode()
    assert 'value="Academia Santandereana de Cocina"' in html
    assert re.search(r'name="territories" value="CO-68001"[^>]*checked', html)
    r = c.post(f"/formacion/proveedores/{provider.pk}/editar/", {**data, "phone": "6076311111", "active": "on"})
    assert r.status_code == 302
    provider.refresh_from_db()
    assert (provider.phone, provider.active) == ("6076311111", True)

    # The kitchen provider's page: its course and, once there is one, its contract with what is payable.
    services.create_contract(actor=actors.counsellor, provider_id=kitchen["provider"].pk, code="CT-9", title="Cocina",
                             start_date="2026-01-01", end_date="2026-12-31", formula={"fixed": 100, "parts": []})
    html = c.get(f"/formacion/proveedores/{kitchen['provider'].pk}/").content.decode()
    assert "Manipulación higiénica de alimentos" in html and "CT-9" in html
    contract = ResultsContract.objects.get(code="CT-9")
    assert f'<a href="/formacion/contratos/{contract.pk}/" data-payable-link>Qué se paga por cohorte y por qué</a>' in html


def test_outsider_cannot_see_or_edit_a_bucaramanga_provider(actors, kitchen):
    provider = kitchen["provider"]
    out = _login(actors.outsider)
    assert provider.name not in out.get("/formacion/proveedores/").content.decode()
    assert out.get(f"/formacion/proveedores/{provider.pk}/").status_code == 404
    r = out.post(f"/formacion/proveedores/{provider.pk}/editar/", {"name": "Tomado", "territories": ["CO-76001"]})
    assert r.status_code == 404
    r = out.post("/formacion/proveedores/nuevo/", {"name": "Intruso", "territories": ["CO-68001"]})
    assert r.status_code == 200 and "Elija una opción de la lista." in r.content.decode()
    provider.refresh_from_db()
    assert provider.name == "Escuela Gastronómica de Santander (prueba)"
    assert list(provider.territories.values_list("code", flat=True)) == ["68001"]
    assert not Organization.objects.filter(name="Intruso").exists()


# --- results-linked contracts ----------------------------------------------------------------------------------

def _contract_post(kitchen, cohort, **overrides) -> dict:
    data = {"code": "CT-2026-014", "title": "Manipulación de alimentos para población migrante",
            "provider": str(kitchen["provider"].pk), "start_date": "2026-01-01", "end_date": "2026-12-31",
            "fixed": "2.000.000", "cohorts": [str(cohort.pk)],
            "part1_indicator": "completed", "part1_basis": "rate", "part1_target": "70 %", "part1_amount": "3.000.000",
            "part2_indicator": "", "part2_basis": "rate", "part2_target": "", "part2_amount": "",
            "part3_indicator": "employed_6m", "part3_basis": "count", "part3_target": "2", "part3_amount": "1.500.000"}
    data.update(overrides)
    return data


def test_contract_form_creates_the_contract_with_its_cohorts(actors, kitchen, cohort):
    c = _login(actors.counsellor)
    html = c.get(f"/formacion/contratos/nuevo/?proveedor={kitchen['provider'].pk}").content.decode()
    assert f'id="cohort-{cohort.pk}"' in html and "Cohorte Marzo" in html
    r = c.post(f"/formacion/contratos/nuevo/?proveedor={kitchen['provider'].pk}", _contract_post(kitchen, cohort))
    contract = ResultsContract.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/formacion/contratos/{contract.pk}/"
    assert contract.formula == {"fixed": 2_000_000.0, "parts": [
        {"indicator": "completed", "basis": "rate", "target": 0.7, "amount": 3_000_000.0},
        {"indicator": "employed_6m", "basis": "count", "target": 2.0, "amount": 1_500_000.0}]}
    assert (contract.provider_id, contract.organization_id) == (kitchen["provider"].pk, actors.home.pk)
    assert list(contract.cohorts.values_list("pk", flat=True)) == [cohort.pk]
    html = c.get(f"/formacion/contratos/{contract.pk}/").content.decode()
    assert "Total pagable: $ 2 000 000 COP" in html.replace("\xa0", " ")  # nobody enrolled: only the fixed part
    assert "Finalizaron el curso" in html and "70 %" in html

    # The edit form starts from the contract as saved, in the units people type.
    html = c.get(f"/formacion/contratos/{contract.pk}/editar/").content.decode()
    assert 'name="part1_target" value="70 %"' in html and 'name="part1_amount" value="3.000.000"' in html
    assert 'name="fixed" value="2.000.000"' in html
    r = c.post(f"/formacion/contratos/{contract.pk}/editar/", _contract_post(
        kitchen, cohort, cohorts=[], part1_target="80 %", part3_indicator="", part3_target="", part3_amount=""))
    assert r.status_code == 302
    contract.refresh_from_db()
    assert contract.formula["parts"] == [{"indicator": "completed", "basis": "rate", "target": 0.8,
                                          "amount": 3_000_000.0}]
    assert Cohort.objects.get(pk=cohort.pk).contract_id is None


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"part3_indicator": "colocados"}, "part3_indicator",
     "Indicador desconocido: &#x27;colocados&#x27;. Indicadores válidos: enrolled, completed, certified, placed_90d, "
     "employed_6m."),
    ({"part1_target": "150 %"}, "part1_target", "La meta debe ser un número (entre 0 y 1, es decir de 0 % a 100 %, si la base es una tasa)."),
    ({"part3_amount": "mucho"}, "part3_amount", "El monto debe ser un número mayor o igual a cero."),
    ({"part1_basis": "ratio"}, "part1_basis", "Base desconocida: &#x27;ratio&#x27; (use rate o count)."),
    ({"fixed": "-5"}, "fixed", "El pago fijo debe ser un número mayor o igual a cero."),
    ({"end_date": "2025-12-31"}, "end_date", "La fecha de fin es anterior a la de inicio."),
])
def test_contract_form_shows_the_services_error_on_the_field_and_saves_nothing(actors, kitchen, cohort, overrides,
                                                                                field, message):
    r = _login(actors.counsellor).post("/formacion/contratos/nuevo/", _contract_post(kitchen, cohort, **overrides))
    assert r.status_code == 200
    assert _errors(r.content.decode(), field) == [message]
    assert ResultsContract.objects.count() == 0
    assert Cohort.objects.get(pk=cohort.pk).contract_id is None


def test_contract_form_cohort_paid_by_another_contract(actors, kitchen, cohort):
    services.create_contract(actor=actors.counsellor, provider_id=kitchen["provider"].pk, code="CT-1", title="",
                             start_date="2026-01-01", end_date="2026-12-31", formula={"fixed": 1, "parts": []},
                             cohort_ids=[cohort.pk])
    c = _login(actors.counsellor)
    html = c.get("/formacion/contratos/nuevo/").content.decode()
    assert re.search(rf'id="cohort-{cohort.pk}" name="cohorts" value="{cohort.pk}" disabled', html)
    assert "la paga el contrato CT-1" in html
    r = c.post("/formacion/contratos/nuevo/", _contract_post(kitchen, cohort))
    assert "La cohorte «Manipulación higiénica de alimentos · Cohorte Marzo» ya la paga el contrato CT-1." in \
        _errors(r.content.decode(), "cohorts")
    assert ResultsContract.objects.count() == 1


def test_outsider_cannot_open_create_or_edit_bucaramanga_contracts(actors, kitchen, cohort):
    contract = services.create_contract(actor=actors.counsellor, provider_id=kitchen["provider"].pk, code="CT-1",
                                        title="Uno", start_date="2026-01-01", end_date="2026-12-31",
                                        formula={"fixed": 1, "parts": []}, cohort_ids=[cohort.pk])
    out = _login(actors.outsider)
    assert out.get(f"/formacion/contratos/{contract.pk}/").status_code == 404
    assert out.get(f"/formacion/contratos/{contract.pk}/editar/").status_code == 404
    assert out.post(f"/formacion/contratos/{contract.pk}/editar/",
                    _contract_post(kitchen, cohort, code="CT-1")).status_code == 404
    assert out.get(f"/formacion/contratos/nuevo/?proveedor={kitchen['provider'].pk}").status_code == 404
    r = out.post("/formacion/contratos/nuevo/", _contract_post(kitchen, cohort, code="CT-CALI"))
    assert r.status_code == 200 and _errors(r.content.decode(), "provider") == ["Elija una opción de la lista."]
    contract.refresh_from_db()
    assert (contract.title, contract.formula, ResultsContract.objects.count()) == (
        "Uno", {"fixed": 1.0, "parts": []}, 1)


# --- courses ---------------------------------------------------------------------------------------------------

def test_course_edit_form(actors, kitchen):
    course = kitchen["course"]
    c = _login(actors.counsellor)
    html = c.get(f"/formacion/cursos/{course.pk}/editar/").content.decode()
    assert 'value="MANIP-01"' in html and "manipulación de alimentos" in html  # the skill chip
    data = {"code": "MANIP-01", "title": "Manipulación de alimentos (BPM)", "provider": kitchen["provider"].pk,
            "territory": "CO-68001", "skills": [kitchen["food"].pk, kitchen["cooking"].pk], "hours": 24,
            "modality": "blended", "seats": 20, "cost": 0, "eligibility": "anyone", "published": "on", "active": "on"}
    r = c.post(f"/formacion/cursos/{course.pk}/editar/", {**data, "skills": []})
    assert "Este campo es obligatorio." in _errors(r.content.decode(), "skills")
    other = services.create_course(actor=actors.counsellor, data={
        "code": "PAN-01", "title": "Panadería", "provider": kitchen["provider"].pk, "territory": "68001",
        "skills": [kitchen["cooking"].uri], "hours": 10})
    r = c.post(f"/formacion/cursos/{course.pk}/editar/", {**data, "code": "PAN-01"})
    assert _errors(r.content.decode(), "code") == ["Ya existe un curso con el código PAN-01."]
    assert Course.objects.get(pk=course.pk).title == "Manipulación higiénica de alimentos"
    r = c.post(f"/formacion/cursos/{course.pk}/editar/", data)
    assert r.status_code == 302 and r["Location"] == f"/formacion/cursos/{course.pk}/"
    course.refresh_from_db()
    assert (course.title, course.hours, course.seats, course.cost, course.eligibility) == (
        "Manipulación de alimentos (BPM)", 24, 20, 0, "anyone")
    assert sorted(course.skills.values_list("label", flat=True)) == ["cocinar", "manipulación de alimentos"]
    out = _login(actors.outsider)
    assert out.get(f"/formacion/cursos/{other.pk}/editar/").status_code == 404
    assert out.post(f"/formacion/cursos/{other.pk}/editar/", {**data, "code": "PAN-01"}).status_code == 404
    assert Course.objects.get(pk=other.pk).title == "Panadería"


# --- a session's attendance roster ----------------------------------------------------------------------------------

@pytest.fixture
def enrolled(actors, kitchen, cohort):
    c = actors.counsellor
    people = [kitchen["cook"], make_person(c, first_names="Luis", last_names="Mora"),
              make_person(c, first_names="Ana", last_names="Ríos")]
    return [services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=p.pk) for p in people]


def test_roster_records_a_whole_session(actors, cohort, enrolled):
    a, b, waiting = enrolled
    c = _login(actors.counsellor)
    html = c.get(f"/formacion/cohortes/{cohort.pk}/").content.decode()
    roster = html[html.index('data-roster="2"'):]
    roster = roster[:roster.index("</form>")]
    assert re.findall(r'name="present" value="(\d+)"', roster) == [str(a.pk), str(b.pk)]  # not the waiting list
    r = c.post(f"/formacion/cohortes/{cohort.pk}/asistencia/",
               {"session": "2", "roster": [a.pk, b.pk], "present": [b.pk]}, follow=True)
    html = r.content.decode()
    assert re.search(r"Sesión 2 \([^)]*\): 1 asistieron, 1 no asistieron\.", html)
    assert sorted(Attendance.objects.values_list("enrolment_id", "session__number", "present")) == [
        (a.pk, 2, False), (b.pk, 2, True)]
    assert "1 de 2 asistieron" in html
    r = c.post(f"/formacion/cohortes/{cohort.pk}/asistencia/",
               {"session": "1", "roster": [a.pk, b.pk], "present": [], "everyone": "1"}, follow=True)
    assert re.search(r"Sesión 1 \([^)]*\): 2 asistieron, 0 no asistieron\.", r.content.decode())
    assert sorted(Attendance.objects.filter(session__number=1).values_list("enrolment_id", "present")) == [
        (a.pk, True), (b.pk, True)]


def test_roster_unknown_session_or_person_not_enrolled_saves_nothing(actors, cohort, enrolled):
    a, b, waiting = enrolled
    c = _login(actors.counsellor)
    r = c.post(f"/formacion/cohortes/{cohort.pk}/asistencia/", {"session": "9", "roster": [a.pk], "present": [a.pk]},
               follow=True)
    html = r.content.decode()
    assert "La sesión 9 no existe en esta cohorte (tiene 2 sesiones)." in html
    assert "No se guardó ninguna asistencia de la sesión." in html
    r = c.post(f"/formacion/cohortes/{cohort.pk}/asistencia/",
               {"session": "1", "roster": [a.pk, b.pk, waiting.pk], "present": [a.pk, waiting.pk]}, follow=True)
    assert "Ana Ríos no está en la lista de asistencia (estado: en lista de espera)." in r.content.decode()
    assert Attendance.objects.count() == 0


def test_outsider_cannot_record_a_roster(actors, cohort, enrolled):
    a, b, _w = enrolled
    out = _login(actors.outsider)
    r = out.post(f"/formacion/cohortes/{cohort.pk}/asistencia/", {"session": "1", "roster": [a.pk], "present": [a.pk]})
    assert r.status_code == 404
    assert out.post(f"/formacion/cohortes/{cohort.pk}/estado/", {"status": "cancelled"}).status_code == 404
    assert out.post(f"/formacion/cohortes/{cohort.pk}/sesiones/", {"date": cohort.start_date}).status_code == 404
    assert Attendance.objects.count() == 0
    cohort.refresh_from_db()
    assert (cohort.status, cohort.sessions.count()) == ("planned", 2)


# --- cohort status and sessions ----------------------------------------------------------------------------------

def test_cohort_status_and_a_new_session(actors, cohort):
    c = _login(actors.counsellor)
    r = c.post(f"/formacion/cohortes/{cohort.pk}/estado/", {"status": "running"}, follow=True)
    assert "Estado de la cohorte: En curso." in r.content.decode()
    r = c.post(f"/formacion/cohortes/{cohort.pk}/estado/", {"status": "paused"}, follow=True)
    assert "Estado desconocido: paused." in r.content.decode()
    assert Cohort.objects.get(pk=cohort.pk).status == "running"
    day = cohort.start_date + dt.timedelta(days=14)
    r = c.post(f"/formacion/cohortes/{cohort.pk}/sesiones/", {"date": day.isoformat(), "topic": "Limpieza"},
               follow=True)
    assert "Sesión 3 agregada" in r.content.decode()
    r = c.post(f"/formacion/cohortes/{cohort.pk}/sesiones/", {"date": "2001-01-01"}, follow=True)
    assert "La fecha está fuera de las fechas de la cohorte" in r.content.decode()
    assert list(Session.objects.filter(cohort=cohort).values_list("number", "date", "topic")) == [
        (1, cohort.start_date, ""), (2, cohort.start_date + dt.timedelta(days=7), ""), (3, day, "Limpieza")]


def test_system_admin_sees_every_provider_with_its_counts(actors, kitchen):
    services.create_contract(actor=actors.counsellor, provider_id=kitchen["provider"].pk, code="CT-1", title="",
                             start_date="2026-01-01", end_date="2026-12-31", formula={"fixed": 1, "parts": []})
    services.register_provider(actor=actors.outsider, name="Academia del Valle", territory_codes=["76001"])
    html = _login(make_user(None, "system_admin")).get("/formacion/proveedores/").content.decode()
    assert "Academia del Valle" in html and "Escuela Gastronómica de Santander (prueba)" in html
    counts = re.findall(r"<td data-label=\"(Cursos|Contratos)\">(\d+)</td>", html)
    # Academia del Valle, then the Escuela (by name)
    assert counts == [("Cursos", "0"), ("Contratos", "0"), ("Cursos", "1"), ("Contratos", "1")]
