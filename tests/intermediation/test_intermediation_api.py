"""The intermediation API with the three actors: the outsider gets 404 and a refused write changes nothing."""

from __future__ import annotations

import pytest

from factories import Api
from siee.intermediation import services
from siee.intermediation.models import FollowUp, Notification, Placement, Referral

EXPLANATION = {"summary": "Misma ocupación; sabe cocinar.", "matched_skills": ["cocinar"]}


@pytest.fixture
def api(actors):
    return {"counsellor": Api(actors.counsellor), "admin": Api(actors.admin), "outsider": Api(actors.outsider),
            "anonymous": Api(None)}


@pytest.fixture
def referral(actors, cook):
    return services.refer_person_to_vacancy(actor=actors.counsellor, vacancy_id=cook["vacancy"].pk,
                                            person_id=cook["people"][0].pk, score=0.9, explanation=EXPLANATION,
                                            engine_version="test-1", weights_version=1)


def test_done_when_through_the_api(api, actors, cook):
    vacancy, people = cook["vacancy"], cook["people"]
    ids = []
    for person, score in zip(people, (0.9, 0.8, 0.7), strict=True):
        r = api["counsellor"].post("/intermediation/referrals", {
            "vacancy_id": vacancy.pk, "person_id": person.pk, "score": score, "explanation": EXPLANATION,
            "engine_version": "test-1", "weights_version": 4})
        assert r.status_code == 201, r.json()
        body = r.json()
        assert (body["status"], body["score"], body["engine_version"], body["weights_version"], body["person"]) == (
            "referred", score, "test-1", 4, {"id": person.pk, "full_name": person.full_name})
        ids.append(body["id"])
    listed = api["admin"].get("/intermediation/referrals", vacancy=vacancy.pk).json()
    assert (listed["count"], sorted(i["id"] for i in listed["items"])) == (3, sorted(ids))
    assert api["counsellor"].post(f"/intermediation/referrals/{ids[0]}/feedback", {"status": "interviewed"}).json()["status"] == "interviewed"
    assert api["counsellor"].post(f"/intermediation/referrals/{ids[0]}/feedback", {"status": "hired"}).json()["status"] == "hired"
    r = api["counsellor"].post(f"/intermediation/referrals/{ids[1]}/feedback", {"status": "rejected", "reason": "no_show"})
    assert (r.json()["status"], r.json()["rejection_reason"]) == ("rejected", "no_show")

    r = api["counsellor"].post("/intermediation/placements", {"referral_id": ids[0], "start_date": "2026-01-31",
                                                              "contract_type": "fixed", "monthly_wage": 1_600_000})
    assert r.status_code == 201, r.json()
    placement = r.json()
    assert [(f["months_after"], f["due_date"], f["assigned_to"]) for f in placement["follow_ups"]] == [
        (1, "2026-02-28", "orientadora_bga"), (3, "2026-04-30", "orientadora_bga"),
        (6, "2026-07-31", "orientadora_bga"), (12, "2027-01-31", "orientadora_bga")]
    assert api["counsellor"].get(f"/intermediation/referrals/{ids[0]}").json()["placement_id"] == placement["id"]

    overdue = api["counsellor"].get("/intermediation/follow-ups/overdue", today="2026-05-01", mine="true").json()
    assert [(f["months_after"], f["overdue"]) for f in overdue["items"]] == [(1, True), (3, True)]
    first = placement["follow_ups"][0]["id"]
    r = api["counsellor"].post(f"/intermediation/follow-ups/{first}/complete",
                               {"still_employed": True, "formal": True, "wage": 1_650_000})
    assert (r.status_code, r.json()["still_employed"], r.json()["wage"], r.json()["overdue"]) == (200, True, 1_650_000, False)
    overdue = api["admin"].get("/intermediation/follow-ups/overdue", today="2026-05-01").json()
    assert [f["months_after"] for f in overdue["items"]] == [3]
    assert api["admin"].get("/intermediation/follow-ups/overdue", today="2026-05-01", mine="true").json()["count"] == 0
    assert api["admin"].get("/intermediation/follow-ups", pending="false").json()["count"] == 1


def test_invalid_transition_through_the_api_names_the_field(api, referral):
    api["counsellor"].post(f"/intermediation/referrals/{referral.pk}/feedback", {"status": "hired"})
    r = api["counsellor"].post(f"/intermediation/referrals/{referral.pk}/feedback", {"status": "interviewed"})
    assert (r.status_code, r.json()["code"], list(r.json()["errors"])) == (422, "invalid", ["status"])
    r = api["counsellor"].post(f"/intermediation/referrals/{referral.pk}/feedback", {"status": "ascendida"})
    assert (r.status_code, list(r.json()["errors"])) == (422, ["status"])


def test_duplicate_referral_through_the_api(api, cook, referral):
    r = api["admin"].post("/intermediation/referrals", {"vacancy_id": cook["vacancy"].pk, "person_id": cook["people"][0].pk})
    assert (r.status_code, r.json()["code"], list(r.json()["errors"])) == (422, "duplicate", ["person_id"])


def test_applications_and_shortlist_through_the_api(api, cook):
    vacancy, person = cook["vacancy"], cook["people"][1]
    r = api["counsellor"].post("/intermediation/applications", {"vacancy_id": vacancy.pk, "person_id": person.pk})
    assert (r.status_code, r.json()["channel"], r.json()["status"]) == (201, "staff", "submitted")
    r = api["counsellor"].post(f"/intermediation/vacancies/{vacancy.pk}/shortlist",
                               {"person_id": person.pk, "score": 0.75, "explanation": EXPLANATION})
    assert (r.status_code, r.json()["score"], r.json()["added_by"]) == (201, 0.75, "orientadora_bga")
    assert [e["person"]["id"] for e in api["admin"].get(f"/intermediation/vacancies/{vacancy.pk}/shortlist").json()] == [person.pk]
    assert api["admin"].get("/intermediation/applications", vacancy=vacancy.pk).json()["items"][0]["status"] == "shortlisted"
    assert api["admin"].delete(f"/intermediation/vacancies/{vacancy.pk}/shortlist/{person.pk}").status_code == 204
    assert api["admin"].get(f"/intermediation/vacancies/{vacancy.pk}/shortlist").json() == []


# --- the outsider ----------------------------------------------------------------------------------------------

@pytest.fixture
def placed(actors, cook, referral):
    services.record_employer_feedback(actor=actors.counsellor, referral_id=referral.pk, status="hired")
    return services.record_placement(actor=actors.counsellor, referral_id=referral.pk, start_date="2026-01-10",
                                     contract_type="fixed", monthly_wage=1_500_000)


def _reads(cook, referral, placed):
    v, p = cook["vacancy"].pk, cook["people"][0].pk
    return [
        ("/intermediation/referrals", {"vacancy": v}),
        ("/intermediation/referrals", {"person": p}),
        (f"/intermediation/referrals/{referral.pk}", {}),
        ("/intermediation/applications", {"vacancy": v}),
        (f"/intermediation/vacancies/{v}/shortlist", {}),
        ("/intermediation/placements", {"person": p}),
        (f"/intermediation/placements/{placed.pk}", {}),
        ("/intermediation/follow-ups", {"person": p}),
    ]


def test_outsider_gets_404_on_every_read(api, cook, referral, placed):
    for path, params in _reads(cook, referral, placed):
        r = api["outsider"].get(path, **params)
        assert (path, r.status_code, r.json()["code"]) == (path, 404, "not_found")
        assert api["admin"].get(path, **params).status_code == 200


def test_outsider_lists_are_empty(api, cook, referral, placed):
    for path in ("/intermediation/referrals", "/intermediation/applications", "/intermediation/placements",
                 "/intermediation/follow-ups"):
        assert api["outsider"].get(path).json() == {"count": 0, "limit": 50, "offset": 0, "items": []}
        assert api["counsellor"].get(path).json()["count"] == (4 if path.endswith("follow-ups") else 0 if path.endswith("applications") else 1)
    assert api["outsider"].get("/intermediation/follow-ups/overdue", today="2030-01-01").json()["count"] == 0


def test_outsider_writes_are_refused_and_change_nothing(api, cook, referral, placed, snapshot):
    v, people = cook["vacancy"].pk, cook["people"]
    follow_up = FollowUp.objects.filter(placement=placed).order_by("months_after").first()
    writes = [
        ("post", "/intermediation/referrals", {"vacancy_id": v, "person_id": people[1].pk, "score": 0.5}),
        ("post", "/intermediation/applications", {"vacancy_id": v, "person_id": people[1].pk}),
        ("post", f"/intermediation/vacancies/{v}/shortlist", {"person_id": people[1].pk, "score": 0.5}),
        ("delete", f"/intermediation/vacancies/{v}/shortlist/{people[1].pk}", None),
        ("post", f"/intermediation/referrals/{referral.pk}/feedback", {"status": "rejected", "reason": "other", "detail": "x"}),
        ("post", "/intermediation/placements", {"referral_id": referral.pk, "start_date": "2026-02-01",
                                                "contract_type": "fixed", "monthly_wage": 1}),
        ("post", "/intermediation/placements", {"person_id": people[2].pk, "vacancy_id": v, "start_date": "2026-02-01",
                                                "contract_type": "fixed", "monthly_wage": 1}),
        ("post", f"/intermediation/follow-ups/{follow_up.pk}/complete", {"still_employed": False}),
    ]
    before = snapshot()
    for method, path, body in writes:
        r = api["outsider"].delete(path) if method == "delete" else api["outsider"].post(path, body)
        assert (path, r.status_code, r.json()["code"]) == (path, 404, "not_found")
    assert snapshot() == before


def test_anonymous_is_401(api, cook):
    assert api["anonymous"].get("/intermediation/referrals").status_code == 401
    assert api["anonymous"].post("/intermediation/referrals", {"vacancy_id": cook["vacancy"].pk,
                                                               "person_id": cook["people"][0].pk}).status_code == 401
    assert Referral.objects.count() == 0


def test_unknown_ids_answer_exactly_like_out_of_scope_ones(api, placed):
    unknown = api["counsellor"].get(f"/intermediation/referrals/{placed.referral_id + 1000}")
    hidden = api["outsider"].get(f"/intermediation/referrals/{placed.referral_id}")
    assert (unknown.status_code, unknown.json()) == (hidden.status_code, hidden.json())
    assert unknown.json() == {"code": "not_found", "detail": "Remisión no encontrada.", "errors": {}}
    assert (Placement.objects.count(), Notification.objects.count()) == (1, 2)


def test_fairness_endpoint_gives_aggregates_and_hides_other_territories(api, cook, referral):
    r = api["admin"].get("/intermediation/fairness", territory="68001")
    assert r.status_code == 200
    body = r.json()
    assert (body["stages"]["eligible"]["n"], body["stages"]["referred"]["n"], body["stages"]["referred"]["women"]["count"]) == (3, 1, 1)
    assert api["outsider"].get("/intermediation/fairness", territory="68001").status_code == 404
    r = api["admin"].get("/intermediation/fairness", territory="68001", vacancies="1,x")
    assert (r.status_code, list(r.json()["errors"])) == (422, ["vacancies"])


def test_vacancy_match_notification_endpoint(api, cook, settings):
    settings.SIEE_NOTIFICATION_BACKEND = "whatsapp-link"
    person = cook["people"][2]
    r = api["counsellor"].post("/intermediation/notifications/vacancy-match",
                               {"person_id": person.pk, "vacancy_id": cook["vacancy"].pk, "score": 0.8})
    assert r.status_code == 201
    body = r.json()
    assert (body["template"], body["status"], body["link"].startswith("https://wa.me/573159876543?text=Hola%2C%20Luz.")) == (
        "vacancy_match", "link_ready", True)
    r = api["outsider"].post("/intermediation/notifications/vacancy-match",
                             {"person_id": person.pk, "vacancy_id": cook["vacancy"].pk})
    assert r.status_code == 404
    assert Notification.objects.count() == 1


def test_job_seeker_applies_through_the_api_and_sees_only_their_own(actors, cook):
    from factories import CONSENT, person_data
    from siee.core.services import issue_api_token
    from siee.people import services as people_services

    person = people_services.register_self_service_person(username="luzmarina", password="clave-segura-1",
                                                          data=person_data(), consent=CONSENT)
    issue_api_token(user=person.user)
    seeker = Api(person.user)
    r = seeker.post("/intermediation/applications", {"vacancy_id": cook["vacancy"].pk})
    assert (r.status_code, r.json()["channel"], r.json()["person"]["id"]) == (201, "self_service", person.pk)
    services.apply_to_vacancy(actor=actors.counsellor, vacancy_id=cook["vacancy"].pk, person_id=cook["people"][0].pk)
    assert [a["person"]["id"] for a in seeker.get("/intermediation/applications").json()["items"]] == [person.pk]
    assert seeker.post("/intermediation/referrals", {"vacancy_id": cook["vacancy"].pk, "person_id": person.pk}).status_code == 403


def test_employer_account_sees_referrals_to_its_vacancies_without_sensitive_parts(actors, cook, referral, fast_passwords):
    from siee.core.services import issue_api_token
    from siee.people.services import create_self_service_employer_account

    user, _own = create_self_service_employer_account(username="fogon", password="clave-segura-1",
                                                      employer_data={"tax_id": "900555111", "name": "Otra SAS",
                                                                     "municipality_code": "68001"})
    issue_api_token(user=user)
    employer_api = Api(user)
    assert employer_api.get("/intermediation/referrals").json()["count"] == 0  # not its vacancy yet
    cook["employer"].users.add(user)
    items = employer_api.get("/intermediation/referrals").json()["items"]
    assert [i["id"] for i in items] == [referral.pk]
    r = employer_api.post(f"/intermediation/referrals/{referral.pk}/feedback", {"status": "interviewed"})
    assert (r.status_code, r.json()["status"]) == (200, "interviewed")
    assert employer_api.get("/intermediation/follow-ups").status_code == 403
