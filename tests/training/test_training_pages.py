"""Training pages through Django's test client: staff pages scoped (outsider 404), the recommendations fragment,
the public course list and online seat request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from factories import PASSWORD
from siee.people import services as people_services
from siee.training import services
from siee.training.models import Enrolment


def _login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def cohort(actors, kitchen):
    start = timezone.localdate() + dt.timedelta(days=10)
    return services.create_cohort(actor=actors.counsellor, course_id=kitchen["course"].pk, name="Cohorte Marzo",
                                  start_date=start, end_date=start + dt.timedelta(days=20),
                                  session_dates=[start, start + dt.timedelta(days=7)])


def test_staff_pages_and_outsider_404(actors, kitchen, cohort):
    c = _login(actors.counsellor)
    r = c.get("/formacion/cursos/")
    assert r.status_code == 200 and "Manipulación higiénica de alimentos" in r.content.decode()
    assert c.get(f"/formacion/cursos/{kitchen['course'].pk}/").status_code == 200
    r = c.post(f"/formacion/cohortes/{cohort.pk}/inscribir/", {"person_id": kitchen["cook"].pk})
    assert r.status_code == 302
    e = Enrolment.objects.get()
    assert (e.person_id, e.status) == (kitchen["cook"].pk, "enrolled")
    page = c.get(f"/formacion/cohortes/{cohort.pk}/").content.decode()
    assert "Yorgelis Pérez Díaz" in page and "1 de 2 cupos ocupados" in page
    r = c.post(f"/formacion/inscripciones/{e.pk}/", {"action": "attendance", "session": 5, "present": "1"}, follow=True)
    assert "La sesión 5 no existe en esta cohorte (tiene 2 sesiones)." in r.content.decode()

    out = _login(actors.outsider)
    assert out.get(f"/formacion/cohortes/{cohort.pk}/").status_code == 404
    assert out.get(f"/formacion/cursos/{kitchen['course'].pk}/").status_code == 404
    assert out.post(f"/formacion/inscripciones/{e.pk}/", {"action": "drop", "reason": "health"}).status_code == 404
    assert out.get(f"/formacion/personas/{kitchen['cook'].pk}/recomendaciones/").status_code == 404
    assert Enrolment.objects.get().status == "enrolled"
    assert "Manipulación" not in out.get("/formacion/cursos/").content.decode()


def test_recommendations_fragment_explains_gap_and_vacancies(actors, kitchen, cohort):
    r = _login(actors.counsellor).get(f"/formacion/personas/{kitchen['cook'].pk}/recomendaciones/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "falta en 3 vacantes (75%)" in html
    assert "Le abre 3 vacantes:" in html and "Cocinero/a 0 (Restaurante El Fogón)" in html
    assert "Próxima cohorte: Cohorte Marzo" in html


def test_gaps_page(actors, kitchen):
    html = _login(actors.counsellor).get("/formacion/brechas/", {"territorio": "68001"}).content.decode()
    assert "manipulación de alimentos" in html and "Bucaramanga" in html


def test_public_list_and_job_seeker_requests_a_seat(actors, kitchen, cohort, client):
    html = client.get("/cursos/", {"territorio": "68001"}).content.decode()
    assert "Manipulación higiénica de alimentos" in html
    html = client.get(f"/cursos/{kitchen['course'].pk}/").content.decode()
    assert "Ingrese o regístrese para solicitar cupo" in html and "2 cupos libres" in html
    person = people_services.register_self_service_person(
        username="ana_sosa", password=PASSWORD,
        data={"document_type": "PPT", "document_number": "1122334", "first_names": "Ana", "last_names": "Sosa",
              "birth_date": "1994-04-04", "sex": "F", "nationality": "VE", "municipality_code": "68001",
              "migration_status": "regular"},
        consent={"purpose": "employment_services", "channel": "web", "text_version": "v1"})
    c = _login(person.user)
    r = c.post(f"/cursos/cohortes/{cohort.pk}/solicitar/", follow=True)
    assert "Solicitud enviada" in r.content.decode()
    assert list(Enrolment.objects.values_list("person_id", "status", "channel")) == [
        (person.pk, "requested", "self_service")]
    assert "Solicitud registrada" in c.get(f"/cursos/{kitchen['course'].pk}/").content.decode()


def test_course_cohort_and_opportunity_forms(actors, kitchen):
    c = _login(actors.counsellor)
    assert c.get("/formacion/cursos/nuevo/").status_code == 200
    data = {"code": "PAN-01", "title": "Panadería básica", "provider": kitchen["provider"].pk,
            "territory": "CO-68001", "skills": [kitchen["food"].pk, kitchen["cooking"].pk], "hours": 40,
            "modality": "in_person", "seats": 15, "cost": 0, "eligibility": "anyone", "published": "on"}
    r = c.post("/formacion/cursos/nuevo/", {**data, "skills": []})
    assert r.status_code == 200 and "Este campo es obligatorio" in r.content.decode()
    r = c.post("/formacion/cursos/nuevo/", {**data, "code": "MANIP-01"})  # the service's duplicate check
    assert "Ya existe un curso con el código MANIP-01." in r.content.decode()
    r = c.post("/formacion/cursos/nuevo/", data)
    assert r.status_code == 302
    from siee.training.models import Cohort, Course, Opportunity

    course = Course.objects.get(code="PAN-01")
    assert sorted(course.skills.values_list("label", flat=True)) == ["cocinar", "manipulación de alimentos"]
    start = timezone.localdate() + dt.timedelta(days=3)
    r = c.post(f"/formacion/cursos/{course.pk}/cohortes/nueva/", {
        "name": "Enero", "start_date": start.isoformat(), "end_date": (start + dt.timedelta(days=20)).isoformat(),
        "sessions": 4})
    cohort = Cohort.objects.get(course=course)
    assert r.status_code == 302 and (cohort.seats, cohort.sessions.count()) == (15, 3)  # the 4th week is past the end
    r = c.post(f"/formacion/cursos/{course.pk}/cohortes/nueva/", {
        "name": "Mal", "start_date": start.isoformat(), "end_date": (start - dt.timedelta(days=1)).isoformat(),
        "sessions": 0})
    assert "La fecha de fin es anterior a la de inicio." in r.content.decode()
    assert _login(actors.outsider).get(f"/formacion/cursos/{course.pk}/cohortes/nueva/").status_code == 404
    r = c.post("/formacion/oportunidades/nueva/", {
        "title": "Panaderías de barrio", "kind": "business", "territory": "CO-68001", "skills": [kitchen["food"].pk],
        "expected_jobs": 12, "training_objectives": "Certificar BPM\nCostos", "valid_from": "2026-01-01"}, follow=True)
    opp = Opportunity.objects.get()
    assert opp.expected_jobs == 12
    html = r.content.decode()
    assert "Curso a la medida: Panaderías de barrio" in html and "<li>Costos</li>" in html
