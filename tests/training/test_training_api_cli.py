"""Training API and CLI: real HTTP client with tokens, the outsider's 404 on every personal-data endpoint, the
error shape; `siee gaps` and `siee training contracts payable`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from factories import Api
from siee.cli import main
from siee.training.models import Enrolment


@pytest.fixture
def run(capsys):
    def _run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _cohort_payload(course, *, start_offset=10, seats=None, contract_id=None):
    start = timezone.localdate() + dt.timedelta(days=start_offset)
    return {"course_id": course.pk, "name": "Cohorte API", "start_date": start.isoformat(),
            "end_date": (start + dt.timedelta(days=20)).isoformat(), "seats": seats, "contract_id": contract_id,
            "session_dates": [start.isoformat(), (start + dt.timedelta(days=7)).isoformat()]}


def test_api_enrolment_flow_and_outsider_gets_404(actors, kitchen):
    api, outsider = Api(actors.counsellor), Api(actors.outsider)
    r = api.post("/training/cohorts", _cohort_payload(kitchen["course"]))
    assert r.status_code == 201, r.content
    cohort = r.json()
    assert (cohort["seats"], cohort["taken"], [s["number"] for s in cohort["sessions"]]) == (2, 0, [1, 2])
    assert outsider.get(f"/training/cohorts/{cohort['id']}").status_code == 404

    r = outsider.post("/training/enrolments", {"cohort_id": cohort["id"], "person_id": kitchen["cook"].pk})
    assert r.status_code == 404
    assert Enrolment.objects.count() == 0
    r = api.post("/training/enrolments", {"cohort_id": cohort["id"], "person_id": kitchen["cook"].pk})
    assert r.status_code == 201, r.content
    e = r.json()
    assert (e["status"], e["person_id"], e["channel"]) == ("enrolled", kitchen["cook"].pk, "staff")

    r = api.post("/training/enrolments", {"cohort_id": cohort["id"], "person_id": kitchen["cook"].pk})
    assert r.status_code == 422
    assert r.json()["code"] == "duplicate" and list(r.json()["errors"]) == ["person"]

    r = api.post(f"/training/enrolments/{e['id']}/attendance", {"session": 9, "present": True})
    assert r.status_code == 422
    assert r.json()["errors"] == {"session": ["La sesión 9 no existe en esta cohorte (tiene 2 sesiones)."]}
    assert api.post(f"/training/enrolments/{e['id']}/attendance", {"session": 1}).json() == {
        "enrolment_id": e["id"], "session": 1, "present": True}
    for path, body in ((f"/training/enrolments/{e['id']}/attendance", {"session": 1}),
                       (f"/training/enrolments/{e['id']}/complete", {}),
                       (f"/training/enrolments/{e['id']}/drop", {"reason": "health"})):
        assert outsider.post(path, body).status_code == 404
    # completion before the cohort starts (it starts in 10 days)
    r = api.post(f"/training/enrolments/{e['id']}/complete", {"completed_on": timezone.localdate().isoformat()})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["completed_on"]

    listed = api.get("/training/enrolments", cohort=cohort["id"]).json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, e["id"])
    assert outsider.get("/training/enrolments", person=kitchen["cook"].pk).status_code == 404
    assert outsider.get("/training/enrolments").json()["count"] == 0


def test_api_person_gaps_and_territory_gaps(actors, kitchen):
    api = Api(actors.counsellor)
    r = api.get(f"/training/people/{kitchen['cook'].pk}/gaps")
    assert r.status_code == 200
    data = r.json()
    assert [(m["label"], m["vacancies"]) for m in data["missing"]] == [("manipulación de alimentos", 3)]
    assert [c["code"] for c in data["recommendations"]] == ["MANIP-01"]
    assert Api(actors.outsider).get(f"/training/people/{kitchen['cook'].pk}/gaps").status_code == 404

    r = api.get("/training/gaps", territory="68001", top=5)
    assert r.status_code == 200
    gaps = r.json()["gaps"]
    # cooking: 5 posts require it (2+1+1+1), one cook has it: gap 4; food handling: 4 posts, nobody: gap 4
    assert [(g["label"], g["demand"], g["supply"], g["gap"]) for g in gaps] == [
        ("manipulación de alimentos", 4.0, 0, 4.0), ("cocinar", 5.0, 1, 4.0)]
    assert api.get("/training/gaps", territory="99999").json()["errors"] == {
        "territory": ["Territorio desconocido: 99999."]}


def test_api_contract_with_unknown_indicator_is_422(actors, kitchen):
    r = Api(actors.counsellor).post("/training/contracts", {
        "provider_id": kitchen["provider"].pk, "code": "CT-API", "start_date": "2026-01-01", "end_date": "2026-12-31",
        "formula": {"fixed": 100, "parts": [{"indicator": "felicidad", "basis": "rate", "target": 0.5, "amount": 1}]}})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid"
    assert body["errors"]["formula.parts[1]"][0].startswith("Indicador desconocido: 'felicidad'")


def test_cli_gaps_territory_and_person(actors, kitchen, run):
    code, out, err = run("gaps", "--territory", "68001", "--top", "20", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    # the cook lacks only food handling for the three vacancies requiring it (2, 1 and 1 posts, nobody
    # qualified): min(2, 1) + min(1, 1) + min(1, 1) = 3 placements unlocked; ties on gap go by that number
    assert [(g["skill"], g["label"], g["gap"], g["placements_unlocked"]) for g in data] == [
        ("urn:siee:test:skill:manipulacion-de-alimentos", "manipulación de alimentos", 4.0, 3),
        ("urn:siee:test:skill:cocinar", "cocinar", 4.0, 0)]
    assert {"skill", "label", "demand", "supply", "gap", "placements_unlocked"} <= set(data[0])

    code, out, err = run("gaps", "--person", str(kitchen["cook"].pk), "--json", "--as", "orientadora_bga")
    assert code == 0
    person = json.loads(out)
    assert person["missing"][0]["courses"][0]["code"] == "MANIP-01"
    code, out, err = run("gaps", "--person", str(kitchen["cook"].pk), "--as", "orientador_cali")
    assert (code, out, err) == (2, "", "Error: Persona no encontrada.\n")
    assert run("gaps", "--territory", "68001", "--period", "2026Q9")[0] == 2


def test_cli_contract_payable_explains(actors, kitchen, run):
    from siee.training import services

    today = timezone.localdate()
    contract = services.create_contract(actor=actors.counsellor, provider_id=kitchen["provider"].pk, code="CT-CLI",
                                        title="Manipulación", start_date=today, end_date=today,
                                        formula={"fixed": 2_000_000, "parts": [
                                            {"indicator": "completed", "basis": "count", "target": 1, "amount": 1_000_000}]})
    services.create_cohort(actor=actors.counsellor, course_id=kitchen["course"].pk, name="C1", start_date=today,
                           end_date=today, contract_id=contract.pk)
    code, out, err = run("training", "contracts", "payable", str(contract.pk), "--as", "admin_bga")
    assert (code, err) == (0, "")
    assert "pagable 2.000.000 de 3.000.000 COP" in out
    assert "Finalizaron el curso: 0; meta 1, no alcanzada: no se paga 1.000.000." in out
    assert out.strip().endswith("Total pagable: 2.000.000 COP")
    assert run("training", "contracts", "payable", str(contract.pk), "--as", "orientador_cali")[0] == 2


def test_api_job_seeker_requests_a_seat_and_cannot_read_gaps_or_others(actors, kitchen):
    from factories import make_user
    from siee.people import services as people_services

    person = people_services.register_self_service_person(
        username="ana_api", password="clave-de-prueba-2026",
        data={"document_type": "PPT", "document_number": "5566778", "first_names": "Ana", "last_names": "Sosa",
              "birth_date": "1994-04-04", "sex": "F", "nationality": "VE", "municipality_code": "68001",
              "migration_status": "regular"},
        consent={"purpose": "employment_services", "channel": "web", "text_version": "v1"})
    from siee.core.services import new_api_token

    person.user.api_token = new_api_token()
    person.user.save(update_fields=["api_token"])
    cohort = Api(actors.counsellor).post("/training/cohorts", _cohort_payload(kitchen["course"])).json()
    me = Api(person.user)
    r = me.post("/training/enrolments/request", {"cohort_id": cohort["id"]})
    assert r.status_code == 201 and (r.json()["status"], r.json()["person_id"]) == ("requested", person.pk)
    assert me.get("/training/enrolments").json()["count"] == 1
    assert me.get(f"/training/people/{person.pk}/gaps").status_code == 200
    assert me.get(f"/training/people/{kitchen['cook'].pk}/gaps").status_code == 404
    assert me.get("/training/gaps", territory="68001").status_code == 403
    assert me.post("/training/enrolments", {"cohort_id": cohort["id"], "person_id": person.pk}).status_code == 403
    analyst = make_user(actors.home, "analyst")
    assert Api(analyst).get("/training/gaps", territory="68001").status_code == 200
    assert Api(analyst).get(f"/training/people/{kitchen['cook'].pk}/gaps").status_code == 403


def test_api_courses_and_opportunities(actors, kitchen):
    api = Api(actors.counsellor)
    body = {"code": "API-1", "title": "Atención al cliente en restaurantes", "provider_id": kitchen["provider"].pk,
            "territory": "68001", "skills": ["cocinar", kitchen["food"].uri], "hours": 16}
    r = api.post("/training/courses", body)
    assert r.status_code == 422 and r.json()["errors"] == {"skills": ["Habilidades desconocidas: cocinar."]}
    r = api.post("/training/courses", {**body, "skills": [kitchen["food"].uri]})
    assert r.status_code == 201, r.content
    course = r.json()
    assert (course["seats"], course["modality"], course["skills"]) == (
        25, "in_person", [{"skill": "urn:siee:test:skill:manipulacion-de-alimentos", "label": "manipulación de alimentos"}])
    assert sorted(c["code"] for c in api.get("/training/courses").json()) == ["API-1", "MANIP-01"]
    outsider = Api(actors.outsider)
    assert outsider.get("/training/courses").json() == []
    assert outsider.get(f"/training/courses/{course['id']}").status_code == 404
    assert outsider.post("/training/courses", {**body, "code": "API-2", "skills": [kitchen["food"].uri]}).json()[
        "errors"] == {"territory": ["El municipio 68001 está fuera de los territorios de su organización."]}
    r = api.post("/training/opportunities", {"territory": "68001", "title": "Comida saludable para colegios",
                                             "skills": [kitchen["food"].uri], "expected_jobs": 25,
                                             "minimum_contents": "BPM\nMenús"})
    assert r.status_code == 201
    spec = api.get(f"/training/opportunities/{r.json()['id']}/specification").json()
    assert (spec["minimum_contents"], spec["target_participants"]) == (["BPM", "Menús"], 25)
    assert outsider.get(f"/training/opportunities/{r.json()['id']}/specification").status_code == 404
