"""Intermediation and matching pages through Django's test client: ranked candidates with reasons, shortlist,
referral, employer feedback, placement, follow-ups, fairness report, weights, occupation suggestions; field
errors; territorial scoping (the Cali counsellor gets 404 on Bucaramanga's records and changes nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from siee.core.models import AuditAction, AuditEntry
from siee.employers.models import Vacancy
from siee.employers.services import create_vacancy, register_employer
from siee.intermediation import services as intermediation
from siee.intermediation.models import (
    Application,
    FollowUp,
    IntermediationEvent,
    Notification,
    Placement,
    Referral,
    ShortlistEntry,
)
from siee.matching.models import MatchingConfig
from siee.matching.services import rank_candidates
from siee.people.models import Person
from siee.people.services import (
    add_experience,
    add_person_skill,
    register_person,
    register_self_service_person,
)
from siee.taxonomy.models import Occupation, Skill

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

COOK = "urn:siee:occupation:cocinero"
KITCHEN_HAND = "urn:siee:occupation:ayudante-de-cocina"
DISHWASHER = "urn:siee:occupation:lavaplatos"
PREP = "urn:siee:skill:preparacion-de-alimentos"
HYGIENE = "urn:siee:skill:manipulacion-de-alimentos"
COOKING = "urn:siee:skill:tecnicas-de-coccion"
CONSENT = {"purpose": "employment_services", "channel": "in_person"}

# (first names, last names, occupation, months, skills): the best fit first.
COOKS = [
    ("Ana María", "Suárez Rey", COOK, 48, [PREP, HYGIENE, COOKING]),
    ("Bernardo", "Cárdenas Pinto", COOK, 30, [PREP, HYGIENE]),
    ("Carmen Elisa", "Duarte Mora", KITCHEN_HAND, 24, [PREP, HYGIENE]),
    ("Diego Fernando", "Ortiz Vega", COOK, 8, []),
    ("Esperanza", "Lozano Gil", DISHWASHER, 12, [HYGIENE]),
]


# --- scenario helpers (also used by the browser test) -----------------------------------------------------

def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def make_cook(actor, municipality_key, first, last, occupation_uri, months, skills, number):
    person = register_person(actor=actor, consent=CONSENT, data={
        "first_names": first, "last_names": last, "document_type": "CC", "document_number": str(91_000_000 + number),
        "birth_date": "1990-05-17", "sex": "F" if number % 2 == 0 else "M", "municipality_code": municipality_key,
        "phone": f"30012345{number:02d}", "expected_wage": 1_500_000})
    add_experience(actor=actor, person_id=person.pk, description=Occupation.objects.get(uri=occupation_uri).label,
                   occupation_id=Occupation.objects.get(uri=occupation_uri).pk, months=months, kind="formal",
                   employer_name="Restaurante anterior")
    for uri in skills:
        add_person_skill(actor=actor, person_id=person.pk, skill_id=Skill.objects.get(uri=uri).pk)
    return person


def cook_scenario(actors) -> dict:
    """A 'cocinero' vacancy in Bucaramanga (2 posts), five consented candidates there and one in Cali."""
    counsellor, bucaramanga = actors["counsellor"], actors["bucaramanga"]
    employer = register_employer(actor=counsellor, data={
        "name": "Restaurante La Mazorca SAS", "tax_id": "900123456-7", "size": "small", "contact_name": "Jorge Villamizar",
        "phone": "6076543210", "email": "rrhh@lamazorca.co", "municipality_code": bucaramanga.key})
    vacancy = create_vacancy(actor=counsellor, employer_id=employer.pk, data={
        "title": "Cocinero", "occupation": COOK, "description": "Cocina caliente para restaurante de comida típica.",
        "municipality_code": bucaramanga.key, "wage_min": 1_500_000, "wage_max": 1_800_000, "contract_type": "fixed",
        "hours_per_week": 48, "posts": 2, "experience_months": 12, "required_skills": [PREP, HYGIENE],
        "desired_skills": [COOKING], "closing_date": dt.date.today() + dt.timedelta(days=30)})
    people = [make_cook(counsellor, bucaramanga.key, *row, number=i) for i, row in enumerate(COOKS)]
    caleno = make_cook(actors["outsider"], actors["cali"].key, "Fabio", "Caleño Ríos", COOK, 60, [PREP, HYGIENE, COOKING],
                       number=50)
    return {"employer": employer, "vacancy": vacancy, "people": people, "caleno": caleno}


def intermediation_snapshot() -> dict:
    snap = {m.__name__: sorted(map(repr, m.objects.order_by("pk").values()))
            for m in (Application, ShortlistEntry, Referral, Placement, FollowUp, Notification, IntermediationEvent,
                      Vacancy, Person, MatchingConfig)}
    snap["audit_writes"] = list(AuditEntry.objects.exclude(action=AuditAction.DENIED).values_list("pk", "action"))
    return snap


def refer(actors, scenario, *indexes):
    return [intermediation.refer_person_to_vacancy(actor=actors["counsellor"], vacancy_id=scenario["vacancy"].pk,
                                                   person_id=scenario["people"][i].pk, notify=False) for i in indexes]


def candidate_names(response) -> list[str]:
    return [row["label"] for row in response.context["rows"]]


@pytest.fixture
def scenario(actors):
    return cook_scenario(actors)


# --- candidates page --------------------------------------------------------------------------------------

def test_candidates_page_ranks_people_of_the_territory_with_readable_reasons(client, actors, scenario):
    login(client, actors["counsellor"])
    response = client.get(reverse("intermediation:candidates", args=[scenario["vacancy"].pk]))
    assert response.status_code == 200
    names = candidate_names(response)
    assert names[:2] == ["Ana María Suárez Rey", "Bernardo Cárdenas Pinto"]
    assert sorted(names) == sorted(f"{f} {last}" for f, last, *_ in COOKS)  # nobody from Cali
    assert response.context["match"].total_eligible == 5
    first = response.context["rows"][0]
    assert first["why"]["matched"] == ["manipulación de alimentos", "preparación de alimentos", "técnicas de cocción"]
    assert first["why"]["missing"] == []
    html = response.content.decode()
    assert "Tiene experiencia como cocinero/cocinera (misma ocupación)." in html
    assert "Vive en el mismo municipio de la vacante (Bucaramanga)." in html
    assert f'<a href="/personas/{scenario["people"][0].pk}/">Ana María Suárez Rey</a>' in html
    assert f'<span class="score-pct" data-score>{first["pct"]} %</span>' in html
    assert "Fabio Caleño Ríos" not in html
    fourth = next(r for r in response.context["rows"] if r["label"] == "Diego Fernando Ortiz Vega")
    assert fourth["why"]["missing"] == ["manipulación de alimentos", "preparación de alimentos",
                                        "técnicas de cocción (deseable)"]


def test_candidates_page_filters_by_minimum_score(client, actors, scenario):
    login(client, actors["counsellor"])
    url = reverse("intermediation:candidates", args=[scenario["vacancy"].pk])
    all_rows = client.get(url).context["rows"]
    threshold = all_rows[1]["pct"]
    response = client.get(url, {"min_score": threshold})
    assert [r["label"] for r in response.context["rows"]] == [r["label"] for r in all_rows if r["score"] * 100 >= threshold]


def test_candidates_page_paginates(client, actors, scenario, monkeypatch):
    from siee.intermediation import views

    monkeypatch.setattr(views, "CANDIDATES_PER_PAGE", 2)
    login(client, actors["counsellor"])
    url = reverse("intermediation:candidates", args=[scenario["vacancy"].pk])
    first, second, last = (client.get(url, {"page": n}) for n in (1, 2, 3))
    assert [r["rank"] for r in second.context["rows"]] == [3, 4]
    whole = rank_candidates(actor=actors["counsellor"], vacancy_id=scenario["vacancy"].pk, top=5).results
    assert [r["label"] for page in (first, second, last) for r in page.context["rows"]] == [r.label for r in whole]
    html = second.content.decode()
    assert '<span class="current">Página 2 de 3</span>' in html
    assert '<a href="?page=3" rel="next">' in html
    assert (last.context["has_next"], len(last.context["rows"])) == (False, 1)


def test_candidates_page_filters_by_municipality(client, actors, scenario):
    login(client, actors["counsellor"])
    url = reverse("intermediation:candidates", args=[scenario["vacancy"].pk])
    response = client.get(url, {"municipality": actors["bucaramanga"].pk})
    assert len(response.context["rows"]) == 5
    response = client.get(url, {"municipality": actors["cali"].pk})  # not one of the counsellor's territories
    assert response.context["filter_form"].errors == {"municipality": ["Elija una opción de la lista."]}
    assert len(response.context["rows"]) == 5  # an invalid filter is ignored, never widens the scope


def test_vacancy_page_links_to_its_candidates(client, actors, scenario):
    login(client, actors["counsellor"])
    html = client.get(reverse("employers:vacancy", args=[scenario["vacancy"].pk])).content.decode()
    assert f'href="/vacantes/{scenario["vacancy"].pk}/candidatos/">Ver candidatos</a>' in html


def test_counsellor_of_other_territory_gets_404_on_candidates_page(client, actors, scenario):
    login(client, actors["outsider"])
    response = client.get(reverse("intermediation:candidates", args=[scenario["vacancy"].pk]))
    assert response.status_code == 404


def test_refused_referral_by_counsellor_of_other_territory_leaves_database_unchanged(client, actors, scenario):
    before = intermediation_snapshot()
    login(client, actors["outsider"])
    response = client.post(reverse("intermediation:candidates_action", args=[scenario["vacancy"].pk]),
                           {"action": "refer", "person": [p.pk for p in scenario["people"][:3]]})
    assert response.status_code == 404
    assert intermediation_snapshot() == before


def test_refused_feedback_and_placement_by_outsider_leave_database_unchanged(client, actors, scenario):
    referral = refer(actors, scenario, 0)[0]
    intermediation.record_employer_feedback(actor=actors["counsellor"], referral_id=referral.pk, status="hired")
    before = intermediation_snapshot()
    login(client, actors["outsider"])
    feedback = client.post(reverse("intermediation:referral_feedback", args=[referral.pk]),
                           {f"r{referral.pk}-status": "rejected", f"r{referral.pk}-reason": "wage"})
    placement = client.post(reverse("intermediation:referral_placement", args=[referral.pk]), {
        f"p{referral.pk}-start_date": dt.date.today().isoformat(), f"p{referral.pk}-contract_type": "fixed",
        f"p{referral.pk}-monthly_wage": "1600000"})
    assert (feedback.status_code, placement.status_code) == (404, 404)
    assert intermediation_snapshot() == before


def test_analyst_cannot_open_candidates_page(client, actors, scenario):
    login(client, actors["analyst"])
    assert client.get(reverse("intermediation:candidates", args=[scenario["vacancy"].pk])).status_code == 403


def test_shortlist_then_refer_three_from_the_candidates_page(client, actors, scenario):
    login(client, actors["counsellor"])
    vacancy, people = scenario["vacancy"], scenario["people"]
    action = reverse("intermediation:candidates_action", args=[vacancy.pk])
    response = client.post(action, {"action": "shortlist", "person": [people[0].pk, people[1].pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Preseleccionadas: Ana María Suárez Rey, Bernardo Cárdenas Pinto."]
    assert [e.person_id for e in ShortlistEntry.objects.filter(vacancy=vacancy).order_by("id")] == [people[0].pk, people[1].pk]
    response = client.post(action, {"action": "refer", "person": [people[0].pk, people[1].pk, people[2].pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Remitidas al empleador: Ana María Suárez Rey, Bernardo Cárdenas Pinto, Carmen Elisa Duarte Mora."]
    referrals = Referral.objects.filter(vacancy=vacancy).order_by("id")
    assert [(r.person_id, r.status, r.engine_version) for r in referrals] == [
        (p.pk, "referred", "siee-match-1.0") for p in people[:3]]
    html = response.content.decode()
    assert html.count('data-status="referred"') == 3
    # Referring the same person again is refused with a readable message, nothing new is written.
    response = client.post(action, {"action": "refer", "person": [people[0].pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Ana María Suárez Rey: La persona ya fue remitida a esta vacante."]
    assert Referral.objects.filter(vacancy=vacancy).count() == 3


def test_refer_without_selection_says_so(client, actors, scenario):
    login(client, actors["counsellor"])
    response = client.post(reverse("intermediation:candidates_action", args=[scenario["vacancy"].pk]),
                           {"action": "refer"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Marque al menos una persona."]
    assert Referral.objects.count() == 0


def test_feedback_hired_then_placement_schedules_four_follow_ups(client, actors, scenario):
    referral = refer(actors, scenario, 0, 1, 2)[0]
    login(client, actors["counsellor"])
    response = client.post(reverse("intermediation:referral_feedback", args=[referral.pk]),
                           {f"r{referral.pk}-status": "hired"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Respuesta registrada: Ana María Suárez Rey, contratada."]
    html = response.content.decode()
    assert f'action="/remisiones/{referral.pk}/colocacion/"' in html
    start = dt.date.today() - dt.timedelta(days=40)
    response = client.post(reverse("intermediation:referral_placement", args=[referral.pk]), {
        f"p{referral.pk}-start_date": start.isoformat(), f"p{referral.pk}-contract_type": "fixed",
        f"p{referral.pk}-monthly_wage": "1600000", f"p{referral.pk}-hours_per_week": "48",
        f"p{referral.pk}-formal": "on"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Colocación registrada: Ana María Suárez Rey inicia el {start:%d/%m/%Y}. Se programaron 4 seguimientos."]
    placement = Placement.objects.get(referral=referral)
    assert (placement.start_date, placement.contract_type, placement.monthly_wage, placement.formal) == (
        start, "fixed", 1_600_000, True)
    assert list(placement.follow_ups.order_by("months_after").values_list("months_after", "assigned_to")) == [
        (m, actors["counsellor"].pk) for m in (1, 3, 6, 12)]


def test_invalid_feedback_transition_shows_the_field_error(client, actors, scenario):
    referral = refer(actors, scenario, 0)[0]
    intermediation.record_employer_feedback(actor=actors["counsellor"], referral_id=referral.pk, status="hired")
    before = intermediation_snapshot()
    login(client, actors["counsellor"])
    response = client.post(reverse("intermediation:referral_feedback", args=[referral.pk]),
                           {f"r{referral.pk}-status": "interviewed"})
    assert response.status_code == 400
    row = next(r for r in response.context["referrals"] if r.pk == referral.pk)
    assert row.feedback_form.errors == {"status": ["No se puede pasar de «Contratada» a «Entrevistada»."]}
    assert "No se puede pasar de «Contratada» a «Entrevistada»." in response.content.decode()
    assert intermediation_snapshot() == before


def test_rejection_without_reason_shows_the_field_error(client, actors, scenario):
    referral = refer(actors, scenario, 1)[0]
    login(client, actors["counsellor"])
    response = client.post(reverse("intermediation:referral_feedback", args=[referral.pk]),
                           {f"r{referral.pk}-status": "rejected"})
    assert response.status_code == 400
    row = next(r for r in response.context["referrals"] if r.pk == referral.pk)
    assert list(row.feedback_form.errors) == ["reason"]
    assert row.feedback_form.errors["reason"][0].startswith("Indique el motivo del rechazo:")
    assert Referral.objects.get(pk=referral.pk).status == "referred"


def test_placement_form_errors_are_shown_per_field(client, actors, scenario):
    referral = refer(actors, scenario, 0)[0]
    intermediation.record_employer_feedback(actor=actors["counsellor"], referral_id=referral.pk, status="hired")
    login(client, actors["counsellor"])
    response = client.post(reverse("intermediation:referral_placement", args=[referral.pk]), {
        f"p{referral.pk}-start_date": "1980-01-01", f"p{referral.pk}-contract_type": "fixed",
        f"p{referral.pk}-monthly_wage": "0"})
    assert response.status_code == 400
    row = next(r for r in response.context["referrals"] if r.pk == referral.pk)
    assert row.placement_form.errors == {"monthly_wage": ["Asegúrese de que este valor es mayor o igual a 1."]}
    response = client.post(reverse("intermediation:referral_placement", args=[referral.pk]), {
        f"p{referral.pk}-start_date": "1980-01-01", f"p{referral.pk}-contract_type": "fixed",
        f"p{referral.pk}-monthly_wage": "1500000"})
    row = next(r for r in response.context["referrals"] if r.pk == referral.pk)
    assert row.placement_form.errors == {"start_date": ["La fecha de inicio es anterior a 1990."]}
    assert Placement.objects.count() == 0


# --- vacancies for a person -------------------------------------------------------------------------------

def test_person_vacancies_page_lists_ranked_vacancies_and_staff_can_apply_and_refer(client, actors, scenario):
    person, vacancy = scenario["people"][0], scenario["vacancy"]
    login(client, actors["counsellor"])
    url = reverse("matching:person_vacancies", args=[person.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert [r["id"] for r in response.context["rows"]] == [vacancy.pk]
    html = response.content.decode()
    assert "Tiene experiencia como cocinero/cocinera (misma ocupación)." in html
    assert f'action="/vacantes/{vacancy.pk}/postular/"' in html
    response = client.post(reverse("intermediation:apply", args=[vacancy.pk]), {"person": person.pk, "next": url},
                           follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Postulación registrada: Cocinero."]
    assert list(Application.objects.values_list("person_id", "vacancy_id", "channel")) == [(person.pk, vacancy.pk, "staff")]
    response = client.post(reverse("intermediation:candidates_action", args=[vacancy.pk]),
                           {"action": "refer", "person": person.pk, "next": url}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert list(Referral.objects.values_list("person_id", "status")) == [(person.pk, "referred")]
    assert list(Application.objects.values_list("status", flat=True)) == ["referred"]


def test_person_page_links_to_recommended_vacancies(client, actors, scenario):
    person = scenario["people"][0]
    login(client, actors["counsellor"])
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert f'<a href="/personas/{person.pk}/vacantes/" data-recommended>Vacantes recomendadas »</a>' in html


def test_outsider_gets_404_on_person_vacancies(client, actors, scenario):
    login(client, actors["outsider"])
    assert client.get(reverse("matching:person_vacancies", args=[scenario["people"][0].pk])).status_code == 404


def test_job_seeker_sees_own_ranked_vacancies_and_applies(client, actors, scenario):
    person = register_self_service_person(username="yorgelis", password=PASSWORD, consent=CONSENT, data={
        "first_names": "Yorgelis", "last_names": "Pérez", "document_type": "PPT", "document_number": "4567890",
        "nationality": "VE", "birth_date": "1994-03-12", "sex": "F", "migration_status": "regular",
        "municipality_code": actors["bucaramanga"].key})
    add_experience(actor=actors["counsellor"], person_id=person.pk, description="cocinera",
                   occupation_id=Occupation.objects.get(uri=COOK).pk, months=24, kind="informal")
    client.login(username="yorgelis", password=PASSWORD)
    response = client.get(reverse("matching:my_vacancies"))
    assert response.status_code == 200
    assert [r["id"] for r in response.context["rows"]] == [scenario["vacancy"].pk]
    assert "Postularme" in response.content.decode()
    response = client.post(reverse("intermediation:apply", args=[scenario["vacancy"].pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Postulación registrada: Cocinero."]
    assert list(Application.objects.values_list("person_id", "channel")) == [(person.pk, "self_service")]
    # The staff pages stay closed to the job seeker.
    assert client.get(reverse("intermediation:candidates", args=[scenario["vacancy"].pk])).status_code == 403
    assert client.get(reverse("matching:person_vacancies", args=[scenario["people"][0].pk])).status_code == 403


def test_person_without_consent_gets_a_clear_message(client, actors):
    person = register_person(actor=actors["counsellor"], consent=None, require_consent=False, data={
        "first_names": "Sin", "last_names": "Autorización", "document_type": "CC", "document_number": "80111222",
        "birth_date": "1980-01-01", "sex": "M", "municipality_code": actors["bucaramanga"].key})
    login(client, actors["counsellor"])
    response = client.get(reverse("matching:person_vacancies", args=[person.pk]))
    assert response.status_code == 200
    assert response.context["error"] == (
        "La persona está sin autorización de datos: su perfil no se puede usar para el emparejamiento.")


# --- follow-ups -------------------------------------------------------------------------------------------

def place(actors, scenario, index, start):
    referral = refer(actors, scenario, index)[0]
    intermediation.record_employer_feedback(actor=actors["counsellor"], referral_id=referral.pk, status="hired")
    return intermediation.record_placement(actor=actors["counsellor"], referral_id=referral.pk, start_date=start,
                                           contract_type="fixed", monthly_wage=1_600_000)


def test_follow_ups_page_lists_overdue_first_and_highlighted(client, actors, scenario):
    today = dt.date.today()
    place(actors, scenario, 0, today - dt.timedelta(days=100))  # 1 and 3 months overdue
    place(actors, scenario, 1, today)
    login(client, actors["counsellor"])
    response = client.get(reverse("intermediation:follow_ups"))
    assert response.status_code == 200
    rows = [(f.placement.person.first_names, f.months_after, f.overdue) for f in response.context["object_list"]]
    assert rows[:2] == [("Ana María", 1, True), ("Ana María", 3, True)]
    assert len(rows) == 8 and [o for *_, o in rows].count(True) == 2
    assert response.context["overdue_count"] == 2
    html = response.content.decode()
    assert html.count('<tr class="overdue"') == 2
    assert '<span class="badge err" data-overdue-count>2 vencidos</span>' in html
    assert '<a href="/seguimientos/" aria-current="page">Seguimientos</a>' in html


def test_follow_ups_of_other_territory_are_not_listed_nor_completable(client, actors, scenario):
    placement = place(actors, scenario, 0, dt.date.today() - dt.timedelta(days=40))
    follow_up = placement.follow_ups.get(months_after=1)
    before = intermediation_snapshot()
    login(client, actors["outsider"])
    assert list(client.get(reverse("intermediation:follow_ups")).context["object_list"]) == []
    response = client.post(reverse("intermediation:follow_up", args=[follow_up.pk]), {"still_employed": "yes"})
    assert response.status_code == 404
    assert intermediation_snapshot() == before


def test_complete_follow_up(client, actors, scenario):
    placement = place(actors, scenario, 0, dt.date.today() - dt.timedelta(days=40))
    follow_up = placement.follow_ups.get(months_after=1)
    login(client, actors["counsellor"])
    url = reverse("intermediation:follow_up", args=[follow_up.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"formal": "yes"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"still_employed": ["Este campo es obligatorio."]}
    response = client.post(url, {"still_employed": "yes", "formal": "yes", "wage": "1700000", "notes": "Contenta."},
                           follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Seguimiento de Ana María Suárez Rey registrado."]
    follow_up.refresh_from_db()
    assert (follow_up.still_employed, follow_up.formal, follow_up.wage, follow_up.notes, follow_up.done_by_id) == (
        True, True, 1_700_000, "Contenta.", actors["counsellor"].pk)
    assert [f.months_after for f in response.context["object_list"]] == [3, 6, 12]


# --- fairness report --------------------------------------------------------------------------------------

def test_fairness_report_shows_aggregates_for_admin_and_analyst(client, actors, scenario):
    place(actors, scenario, 0, dt.date.today())
    refer(actors, scenario, 1, 2)
    for user in (actors["admin"], actors["analyst"]):
        login(client, user)
        response = client.get(reverse("intermediation:fairness"), {"territory": "68001"})
        assert response.status_code == 200
        stages = {row["key"]: row["n"] for row in response.context["table"]}
        assert stages == {"eligible": 5, "ranked": 0, "referred": 3, "placed": 1}
        html = response.content.decode()
        assert "Bucaramanga" in html
        for person in scenario["people"]:
            assert person.last_names not in html  # aggregates only


def test_fairness_report_is_refused_to_counsellor_and_out_of_scope_territory(client, actors, scenario):
    login(client, actors["counsellor"])
    assert client.get(reverse("intermediation:fairness"), {"territory": "68001"}).status_code == 403
    login(client, actors["admin"])
    response = client.get(reverse("intermediation:fairness"), {"territory": "76001"})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors == {"territory": ["Elija una opción de la lista."]}


# --- weights ----------------------------------------------------------------------------------------------

def weights_post(**overrides):
    data = {"occupation": "0.25", "skills": "0.25", "experience": "0.15", "education": "0.1", "location": "0.1",
            "wage": "0.05", "hours": "0.02", "preferences": "0.08"}
    data.update(overrides)
    return data


def test_weights_page_shows_defaults_and_rejects_negative_and_nan_per_field(client, actors):
    login(client, actors["admin"])
    url = reverse("matching:weights")
    response = client.get(url)
    assert response.status_code == 200
    assert "Vigentes: valores por defecto (versión 0)" in response.content.decode()
    response = client.post(url, weights_post(skills="-0.3", wage="NaN"))
    assert response.status_code == 400
    assert response.context["form"].errors == {"skills": ["El peso no puede ser negativo."],
                                               "wage": ["NaN no es un peso válido: escriba un número."]}
    zeros = {k: "0" for k in weights_post()}
    response = client.post(url, zeros)
    assert response.context["form"].non_field_errors() == [
        "Todos los pesos son cero: al menos un componente debe pesar más que cero."]
    assert MatchingConfig.objects.count() == 0
    response = client.post(url, weights_post(skills="0,4"), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Pesos guardados: versión 1."]
    config = MatchingConfig.objects.get()
    assert (config.version, config.organization_id, config.weights["skills"]) == (1, actors["admin"].organization_id, 0.4)
    assert "Versión vigente: 1" in response.content.decode()


def test_weights_page_is_for_agency_admins_only(client, actors):
    login(client, actors["counsellor"])
    assert client.get(reverse("matching:weights")).status_code == 403
    assert client.post(reverse("matching:weights"), weights_post(skills="0.9")).status_code == 403
    assert MatchingConfig.objects.count() == 0


# --- occupation suggestions -------------------------------------------------------------------------------

def test_occupation_suggestions_fragment_and_json(client, actors):
    login(client, actors["counsellor"])
    url = reverse("matching:suggest_occupation")
    response = client.get(url, {"text": "se necesita cocinero para restaurante"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    cook = Occupation.objects.get(uri=COOK)
    assert f'data-id="{cook.pk}" data-label="cocinero/cocinera"' in response.content.decode()
    data = client.get(url, {"text": "cocinero", "format": "json"}).json()
    assert data["results"][0]["code"] == COOK
    assert data["results"][0]["isco"] == "5120"
    # The vacancy form's title field asks for suggestions as the officer types (its value travels as 'title').
    assert client.get(url, {"title": "cocinero", "format": "json"}).json()["results"][0]["code"] == COOK
    assert client.get(url, {"text": "co"}).content.decode().strip() == ""


def test_occupation_suggestions_require_login(client):
    response = client.get(reverse("matching:suggest_occupation"), {"text": "cocinero"})
    assert response.status_code == 302
