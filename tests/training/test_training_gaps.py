"""Skills-gap analysis on hand-built data; every expected value is computed in the comments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from factories import make_employer, make_person, make_vacancy, occupation, skill
from siee.core.errors import ValidationFailed
from siee.core.selectors import find_territory, territory_subtree_ids
from siee.employers.models import Vacancy
from siee.people import services as people_services
from siee.people.models import Person
from siee.training import services
from siee.training.gaps import compute_skill_gaps, parse_period, placements_unlocked


@pytest.fixture
def market(actors):
    c = actors.counsellor
    cook, waiter = occupation(), occupation("mesero", "Mesero", "5131")
    A, B, C = skill("cocinar"), skill("manipulacion-de-alimentos"), skill("servicio-a-la-mesa")
    emp = make_employer(c)
    # V1 cook, 3 posts, requires A+B, desires C; V2 cook, 1 post, requires A; V4 waiter, 2 posts, requires C, closed
    v1 = make_vacancy(c, emp, posts=3, required_skills=[A.uri, B.uri], desired_skills=[C.uri])
    make_vacancy(c, emp, posts=1, required_skills=[A.uri], desired_skills=[])
    v4 = make_vacancy(c, emp, posts=2, occupation=waiter.uri, required_skills=[C.uri], desired_skills=[])
    Vacancy.objects.filter(pk=v4.pk).update(status="closed")
    # V3 in Cali (outside Bucaramanga): 5 posts requiring B, never counted for 68001
    cali = make_employer(actors.outsider, municipality_code="76001")
    make_vacancy(actors.outsider, cali, posts=5, municipality_code="76001", required_skills=[B.uri], desired_skills=[])

    def person(skills, *, exp=None, desired=None, **kw):
        p = make_person(c, **kw)
        if exp:
            people_services.add_experience(actor=c, person_id=p.pk, description="oficio", occupation_id=exp.pk, months=12)
        if desired:
            people_services.set_desired_occupations(actor=c, person_id=p.pk, occupation_ids=[desired.pk])
        for s in skills:
            people_services.add_person_skill(actor=c, person_id=p.pk, skill_id=s.pk)
        return p

    person([A], exp=cook)            # P1: cook, lacks B
    person([A], desired=cook)        # P2: wants to cook, lacks B
    person([A, B], exp=cook)         # P3: qualified for V1 and V2
    person([C], exp=waiter)          # P4: waiter
    p5 = person([B], exp=cook)       # P5: inactive: not supply, not a candidate
    Person.objects.filter(pk=p5.pk).update(status="inactive")
    return {"A": A, "B": B, "C": C, "v1": v1}


def _ids(code):
    return territory_subtree_ids([find_territory(code)])


def test_gaps_demand_supply_and_placements_unlocked(market):
    today = timezone.localdate()
    rows = compute_skill_gaps(territory_ids=_ids("68001"), start=today - dt.timedelta(days=30), end=today)
    got = {r["label"]: (r["demand"], r["supply"], r["gap"], r["placements_unlocked"]) for r in rows}
    # demand A = 3 (V1) + 1 (V2) = 4, supply 3 (P1, P2, P3): gap 1; nobody lacks only A
    # demand B = 3 (V1), supply 1 (P3): gap 2; V1 has 3 posts, 1 qualified (P3), P1 and P2 lack only B:
    #   min(3 - 1, 2) = 2 placements unlocked
    # demand C = 0.5 × 3 (desired in V1) + 2 (V4, closed but published in the period) = 3.5, supply 1 (P4): 2.5;
    #   V4 is not open: unlocks nothing
    assert got == {"cocinar": (4.0, 3, 1.0, 0), "manipulacion de alimentos": (3.0, 1, 2.0, 2),
                   "servicio a la mesa": (3.5, 1, 2.5, 0)}
    assert [r["label"] for r in rows] == ["servicio a la mesa", "manipulacion de alimentos", "cocinar"]
    assert rows[0]["demand_parts"] == {"vacancies": 3.5, "procurement": 0.0, "opportunities": 0.0}
    by_unlock = compute_skill_gaps(territory_ids=_ids("68001"), start=today - dt.timedelta(days=30), end=today,
                                   order="placements")
    assert [r["label"] for r in by_unlock] == ["manipulacion de alimentos", "servicio a la mesa", "cocinar"]


def test_opportunities_add_their_expected_jobs_to_demand(actors, market):
    today = timezone.localdate()
    services.register_opportunity(actor=actors.counsellor, data={
        "territory": "68001", "title": "Turismo gastronómico", "expected_jobs": 4, "skills": [market["A"].uri],
        "valid_from": today - dt.timedelta(days=10)})
    # expired: never counted
    services.register_opportunity(actor=actors.counsellor, data={
        "territory": "68001", "title": "Vieja", "expected_jobs": 100, "skills": [market["A"].uri],
        "valid_from": today - dt.timedelta(days=400), "valid_to": today - dt.timedelta(days=200)})
    rows = compute_skill_gaps(territory_ids=_ids("68001"), start=today - dt.timedelta(days=30), end=today)
    a = next(r for r in rows if r["label"] == "cocinar")
    # demand A = 4 (vacancies) + 4 (opportunity) = 8; supply 3: gap 5, now first
    assert (a["demand"], a["supply"], a["gap"], a["demand_parts"]["opportunities"]) == (8.0, 3, 5.0, 4.0)
    assert rows[0]["label"] == "cocinar"


def test_territory_scoping_of_the_analysis(market):
    today = timezone.localdate()
    cali = compute_skill_gaps(territory_ids=_ids("76001"), start=today - dt.timedelta(days=30), end=today)
    # only V3: 5 posts requiring B; no job seekers in Cali
    assert [(r["label"], r["demand"], r["supply"], r["gap"]) for r in cali] == [("manipulacion de alimentos", 5.0, 0, 5.0)]
    assert placements_unlocked(_ids("76001")) == {}


def test_a_past_period_without_vacancies_has_no_gaps(market):
    assert compute_skill_gaps(territory_ids=_ids("68001"), start=dt.date(2001, 1, 1), end=dt.date(2001, 3, 31)) == []


def test_parse_period():
    assert parse_period("2026Q3")[:2] == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert parse_period("2024-02")[:2] == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert parse_period("2025")[:2] == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    today = dt.date(2026, 11, 23)
    assert parse_period(None, today=today)[:2] == (dt.date(2025, 11, 23), today)
    for bad in ("2026Q5", "ayer", "2026-13"):
        with pytest.raises(ValidationFailed) as exc:
            parse_period(bad)
        assert exc.value.field == "period"


def test_procurement_needs_of_the_enterprise_app_add_demand(actors, market):
    enterprise = pytest.importorskip("siee.enterprise.services")
    if not hasattr(enterprise, "procurement_skill_demand"):
        pytest.skip("the enterprise app does not expose procurement_skill_demand")
    emp = make_employer(actors.counsellor)
    enterprise.create_need(actor=actors.counsellor, data={"buyer_employer_id": emp.pk, "title": "Refrigerios",
                                                          "municipality_code": "68001"},
                           skill_ids=[market["B"].pk])
    today = timezone.localdate()
    rows = compute_skill_gaps(territory_ids=_ids("68001"), start=today - dt.timedelta(days=30), end=today)
    b = next(r for r in rows if r["label"] == "manipulacion de alimentos")
    # 3 posts (V1) + 1 open procurement need requiring it (no local supplier candidates): demand 4, gap 4 − 1 = 3
    assert (b["demand"], b["gap"], b["demand_parts"]["procurement"]) == (4.0, 3.0, 1.0)
