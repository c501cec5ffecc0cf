"""Training in a real headless Chromium: the counsellor sees a migrant cook's missing skill and the course that
closes it on her page; the job seeker sees the recommended course on her own profile and requests a seat; the
counsellor confirms it, records completion; the contract page shows what is payable and why. Then the programme
officer registers a results-linked contract through its form (a bad target is refused on its box) from the
provider's page, and the counsellor takes a session's attendance with the roster.

Screenshots: docs/screenshots/training-*.png
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from factories import make_employer, make_person, make_vacancy, occupation, skill
from siee.people import services as people_services
from siee.people.models import PersonSkill
from siee.training import services
from siee.training.models import Attendance, Enrolment, ResultsContract

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username, next_url="/"):
    page.goto(f"{base_url}/entrar/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}{next_url}")


def _kitchen(counsellor):
    cook_occ = occupation()
    cooking, food = skill("cocinar", "cocinar"), skill("manipulacion-de-alimentos", "manipulación de alimentos")
    employer = make_employer(counsellor, name="Restaurante El Fogón")
    for i, posts in enumerate((2, 1, 1, 1)):
        make_vacancy(counsellor, employer, title=f"Cocinero/a de línea {i + 1}", posts=posts,
                     required_skills=[cooking.uri, food.uri] if i < 3 else [cooking.uri], desired_skills=[])
    person = people_services.register_self_service_person(
        username="yorgelis", password=PASSWORD,
        data={"document_type": "PPT", "document_number": "4567890", "first_names": "Yorgelis",
              "last_names": "Pérez Díaz", "birth_date": "1994-03-12", "sex": "F", "nationality": "VE",
              "municipality_code": "68001", "migration_status": "regular"},
        consent={"purpose": "employment_services", "channel": "web", "text_version": "v1"})
    people_services.add_experience(actor=counsellor, person_id=person.pk, description="cocinera",
                                   occupation_id=cook_occ.pk, months=36, kind="informal")
    people_services.add_person_skill(actor=counsellor, person_id=person.pk, skill_id=cooking.pk)
    provider = services.register_provider(actor=counsellor, name="Escuela Gastronómica de Santander (prueba)",
                                          territory_codes=["68001"])
    course = services.create_course(actor=counsellor, data={
        "code": "MANIP-01", "title": "Manipulación higiénica de alimentos", "provider": provider.pk,
        "territory": "68001", "skills": [food.uri], "hours": 20, "modality": "blended", "seats": 20, "cost": 0,
        "certification": "Carné de manipulador de alimentos", "eligibility": "migrants_and_host",
        "schedule": "Sábados 8:00 a 12:00", "location": "Cra. 27 # 36-14, Bucaramanga"})
    today = timezone.localdate()
    contract = services.create_contract(actor=counsellor, provider_id=provider.pk, code="CT-2026-014",
                                        title="Manipulación de alimentos para población migrante y de acogida",
                                        start_date=today - dt.timedelta(days=30), end_date=today + dt.timedelta(days=300),
                                        formula={"fixed": 2_000_000, "parts": [
                                            {"indicator": "completed", "basis": "rate", "target": 0.7, "amount": 3_000_000},
                                            {"indicator": "certified", "basis": "rate", "target": 0.6, "amount": 2_000_000},
                                            {"indicator": "placed_90d", "basis": "rate", "target": 0.25, "amount": 5_000_000}]})
    start = today + dt.timedelta(days=12)
    cohort = services.create_cohort(actor=counsellor, course_id=course.pk, name="Cohorte diciembre", start_date=start,
                                    end_date=start + dt.timedelta(days=28), contract_id=contract.pk,
                                    session_dates=[start + dt.timedelta(days=7 * k) for k in range(4)])
    return {"person": person, "course": course, "cohort": cohort, "contract": contract, "food": food}


def test_job_seeker_sees_recommended_course_and_requests_a_seat(live_server, live_actors, chromium, screenshot):
    base = live_server.url
    data = _kitchen(live_actors["counsellor"])
    person = data["person"]

    # The counsellor sees the gap and the explained recommendation on the person's page (htmx fragment).
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="es-CO")
    staff = ctx.new_page()
    log_in(staff, base, "orientadora_a")
    staff.goto(f"{base}/personas/{person.pk}/")
    rec = staff.locator("#training-recommendations")
    rec.wait_for()
    assert "manipulación de alimentos · falta en 3 vacantes (75%)" in rec.inner_text()
    assert "Le abre 3 vacantes" in rec.inner_text()
    rec.scroll_into_view_if_needed()
    screenshot(staff, "training-person-recommendations")
    staff.goto(f"{base}/formacion/brechas/?territorio=68001")
    assert staff.locator("#gaps tbody tr").first.locator("td").first.inner_text() == "manipulación de alimentos"
    screenshot(staff, "training-gaps")

    # The job seeker sees the recommended course on her own profile and requests a seat.
    seeker_ctx = chromium.new_context(viewport={"width": 412, "height": 915}, locale="es-CO", is_mobile=True)
    me = seeker_ctx.new_page()
    log_in(me, base, "yorgelis", "/personas/mi-perfil/")
    card = me.locator('#training-recommendations [data-course]').first
    card.wait_for()
    assert "Manipulación higiénica de alimentos" in card.inner_text()
    assert "Cierra: manipulación de alimentos (3 vacantes)" in card.inner_text()
    card.scroll_into_view_if_needed()
    screenshot(me, "training-job-seeker-recommendation", full_page=False)
    card.locator("[data-request-seat]").click()
    me.wait_for_url(f"{base}/personas/mi-perfil/")
    assert "Solicitud enviada para «Manipulación higiénica de alimentos»" in me.locator(".msg").first.inner_text()
    me.locator("#training-recommendations .badge.ok").wait_for()
    enrolment = Enrolment.objects.get()
    assert (enrolment.person_id, enrolment.status, enrolment.channel) == (person.pk, "requested", "self_service")

    # The public course page (no login needed to browse).
    anon = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="es-CO").new_page()
    anon.goto(f"{base}/cursos/?territorio=68001")
    anon.click("text=Manipulación higiénica de alimentos")
    assert "Ingrese o regístrese para solicitar cupo" in anon.locator("main").inner_text()
    screenshot(anon, "training-public-course")

    # The counsellor confirms the seat; after the course she records completion (certified skill on the profile).
    staff.goto(f"{base}/formacion/cohortes/{data['cohort'].pk}/")
    staff.click("text=Confirmar cupo")
    staff.locator(".msg.success").wait_for()
    assert Enrolment.objects.get().status == "enrolled"
    screenshot(staff, "training-cohort")
    services.set_cohort_status(actor=live_actors["counsellor"], cohort_id=data["cohort"].pk, status="running")
    from siee.training.models import Cohort

    today = timezone.localdate()
    Cohort.objects.filter(pk=data["cohort"].pk).update(start_date=today - dt.timedelta(days=28),
                                                        end_date=today)  # the course has happened
    staff.goto(f"{base}/formacion/cohortes/{data['cohort'].pk}/")
    staff.fill(f"#done-{enrolment.pk}", today.isoformat())
    staff.click("[data-complete]")
    staff.locator(".msg.success").wait_for()
    assert PersonSkill.objects.get(person=person, skill=data["food"]).certified is True
    staff.goto(f"{base}/personas/{person.pk}/")
    assert "certificada" in staff.locator("#skills").inner_text()

    staff.goto(f"{base}/formacion/contratos/{data['contract'].pk}/")
    # 1 started, 1 completed (100% ≥ 70%), 1 certified (100% ≥ 60%), 0 placed: 2,000,000 + 3,000,000 + 2,000,000
    assert staff.locator("[data-total]").inner_text().replace("\xa0", " ") == "Total pagable: $ 7 000 000 COP"
    screenshot(staff, "training-contract")
    ctx.close()
    seeker_ctx.close()


def test_contract_form_from_the_provider_page_and_attendance_roster(live_server, live_actors, chromium, screenshot):
    base = live_server.url
    counsellor = live_actors["counsellor"]
    food = skill("manipulacion-de-alimentos", "manipulación de alimentos")
    provider = services.register_provider(actor=counsellor, name="Escuela Gastronómica de Santander (prueba)",
                                          territory_codes=["68001"], tax_id="900456789-1",
                                          email="formacion@escuela.example.co")
    course = services.create_course(actor=counsellor, data={
        "code": "MANIP-01", "title": "Manipulación higiénica de alimentos", "provider": provider.pk,
        "territory": "68001", "skills": [food.uri], "hours": 20, "modality": "blended", "seats": 20})
    today = timezone.localdate()
    start = today - dt.timedelta(days=9)
    cohort = services.create_cohort(actor=counsellor, course_id=course.pk, name="Cohorte febrero",
                                    start_date=start, end_date=start + dt.timedelta(days=28),
                                    session_dates=[start + dt.timedelta(days=7 * k) for k in range(4)])
    services.set_cohort_status(actor=counsellor, cohort_id=cohort.pk, status="running")
    names = [("Yorgelis", "Pérez Díaz"), ("Luis Alberto", "Mora Castro"), ("Ana Milena", "Ríos Pabón"),
             ("Deiby", "Contreras Gil")]
    enrolments = [services.enrol_person(actor=counsellor, cohort_id=cohort.pk,
                                        person_id=make_person(counsellor, first_names=f, last_names=last).pk)
                  for f, last in names]

    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="es-CO")
    staff = ctx.new_page()
    staff.set_default_timeout(15_000)
    log_in(staff, base, "orientadora_a")

    # From the provider list to its page, then "Nuevo contrato".
    staff.goto(f"{base}/formacion/proveedores/")
    staff.click("text=Escuela Gastronómica de Santander (prueba)")
    staff.wait_for_url(f"{base}/formacion/proveedores/{provider.pk}/")
    assert "Manipulación higiénica de alimentos" in staff.locator("#provider-courses").inner_text()
    staff.click("[data-new-contract]")
    staff.wait_for_url(f"{base}/formacion/contratos/nuevo/?proveedor={provider.pk}")
    staff.fill("#id_code", "CT-2026-014")
    staff.fill("#id_title", "Manipulación de alimentos para población migrante y de acogida")
    staff.fill("#id_start_date", (today - dt.timedelta(days=30)).isoformat())
    staff.fill("#id_end_date", (today + dt.timedelta(days=300)).isoformat())
    staff.fill("#id_fixed", "2.000.000")
    rows = [("enrolled", "rate", "80 %", "1.000.000"), ("completed", "rate", "70 %", "3.000.000"),
            ("certified", "rate", "160 %", "2.000.000"), ("placed_90d", "rate", "25 %", "5.000.000"),
            ("employed_6m", "count", "2", "3.000.000")]
    for n, (indicator, basis, target, amount) in enumerate(rows, start=1):
        staff.select_option(f"#id_part{n}_indicator", indicator)
        staff.select_option(f"#id_part{n}_basis", basis)
        staff.fill(f"#id_part{n}_target", target)
        staff.fill(f"#id_part{n}_amount", amount)
    staff.check(f"#cohort-{cohort.pk}")
    staff.click("[data-save-contract]")
    # The service's validation, on the box it concerns; nothing saved.
    error = staff.locator("#id_part3_target_errors")
    error.wait_for()
    assert error.inner_text() == "La meta debe ser un número (entre 0 y 1, es decir de 0 % a 100 %, si la base es una tasa)."
    assert ResultsContract.objects.count() == 0
    assert staff.locator("#id_part3_target").input_value() == "160 %"  # what was typed is kept
    assert staff.locator(f"#cohort-{cohort.pk}").is_checked()
    screenshot(staff, "training-contract-form")
    staff.fill("#id_part3_target", "60 %")
    staff.click("[data-save-contract]")
    contract = None
    staff.locator("[data-total]").wait_for()
    contract = ResultsContract.objects.get()
    assert staff.url == f"{base}/formacion/contratos/{contract.pk}/"
    assert contract.formula["parts"][2] == {"indicator": "certified", "basis": "rate", "target": 0.6,
                                            "amount": 2_000_000.0}
    assert list(contract.cohorts.values_list("pk", flat=True)) == [cohort.pk]
    # The provider page leads to what is payable per cohort and why.
    staff.goto(f"{base}/formacion/proveedores/{provider.pk}/")
    assert "CT-2026-014" in staff.locator("#provider-contracts").inner_text()
    screenshot(staff, "training-provider")
    staff.click("[data-payable-link]")
    staff.wait_for_url(f"{base}/formacion/contratos/{contract.pk}/")
    # 4 of 20 seats started (20% < 80%), nobody completed yet: the fixed part only
    assert staff.locator("[data-total]").inner_text().replace("\xa0", " ") == "Total pagable: $ 2 000 000 COP"

    # The counsellor takes attendance for session 2 (the latest one held) with the roster.
    staff.goto(f"{base}/formacion/cohortes/{cohort.pk}/")
    roster = staff.locator('form[data-roster="2"]')
    assert roster.is_visible()  # the last session held is open
    for e in enrolments[:3]:
        roster.locator(f'input[name="present"][value="{e.pk}"]').check()
    roster.scroll_into_view_if_needed()
    roster.locator("[data-save-roster]").click()
    staff.locator(".msg.success").wait_for()
    message = staff.locator(".msg.success").inner_text()
    assert message.startswith("Sesión 2 (") and message.endswith("3 asistieron, 1 no asistieron.")
    assert sorted(Attendance.objects.values_list("enrolment_id", "present")) == sorted(
        [(e.pk, True) for e in enrolments[:3]] + [(enrolments[3].pk, False)])
    assert "3 de 4 asistieron" in staff.locator("#sesion-2 summary").inner_text()
    staff.locator("#attendance").scroll_into_view_if_needed()
    screenshot(staff, "training-attendance", full_page=False)
    ctx.close()
