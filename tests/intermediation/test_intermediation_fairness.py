"""Fairness shares on a hand-built population; expected values computed here from the population's definition."""

from __future__ import annotations

import pytest

from factories import make_person
from siee.core.errors import OutOfScope
from siee.intermediation import services
from siee.intermediation.fairness import GROUPS, fairness_report, format_fairness_report
from siee.people import services as people_services

# (sex, migration_status, disability) of the eligible people of Bucaramanga
POPULATION = [
    ("F", "national", False), ("F", "regular", False), ("F", "regular", True), ("F", "national", False),
    ("M", "national", False), ("M", "irregular", False), ("M", "national", True), ("M", "returnee", False),
    ("F", "refugee", False), ("M", "national", False),
]
SHORTLISTED = [0, 1, 2, 4, 5, 6]
REFERRED = [0, 2, 4, 5]
PLACED = [2, 4]


def is_in(group, row):
    sex, status, disability = row
    return {"women": sex == "F", "migrants": status in ("regular", "in_process", "irregular", "refugee"),
            "disability": disability}[group]


def expected(indexes):
    rows = [POPULATION[i] for i in indexes]
    return {g: sum(is_in(g, r) for r in rows) for g in GROUPS}, len(rows)


@pytest.fixture
def population(actors, cook):
    counsellor = actors.counsellor
    people = [make_person(counsellor, sex=s, migration_status=m, disability="si" if d else "no",
                          nationality="VE" if m not in ("national", "returnee") else "CO", first_names=f"P{i}")
              for i, (s, m, d) in enumerate(POPULATION)]
    # Not eligible: without consent, and inactive. They must not count among the eligible.
    revoked = make_person(counsellor, sex="F", migration_status="regular")
    people_services.revoke_consent(actor=counsellor, person_id=revoked.pk)
    inactive = make_person(counsellor, sex="F", disability="si")
    people_services.update_person(actor=counsellor, person_id=inactive.pk, data={"status": "inactive"})
    vacancy = cook["vacancy"]
    vacancy.posts = 5
    vacancy.save(update_fields=["posts"])
    for i in SHORTLISTED:
        services.shortlist_candidate(actor=counsellor, vacancy_id=vacancy.pk, person_id=people[i].pk, score=0.5)
    for i in REFERRED:
        r = services.refer_person_to_vacancy(actor=counsellor, vacancy_id=vacancy.pk, person_id=people[i].pk,
                                             score=0.5, notify=False)
        if i in PLACED:
            services.record_employer_feedback(actor=counsellor, referral_id=r.pk, status="hired")
            services.record_placement(actor=counsellor, referral_id=r.pk, start_date="2026-03-01",
                                      contract_type="fixed", monthly_wage=1_500_000)
    return people


def test_shares_and_ratios_per_stage(actors, cook, population):
    report = fairness_report(actor=actors.admin, territory="68001", check=False)
    # The cook fixture's three candidates are eligible too.
    extra = [("F", "regular", False), ("M", "national", False), ("F", "national", False)]
    base_rows = POPULATION + extra
    base = {g: sum(is_in(g, r) for r in base_rows) for g in GROUPS}
    n_base = len(base_rows)
    stages = report["stages"]
    assert stages["eligible"] == {"n": n_base, **{g: {"count": base[g], "share": base[g] / n_base} for g in GROUPS}}
    for name, indexes in (("ranked", SHORTLISTED), ("referred", REFERRED), ("placed", PLACED)):
        counts, n = expected(indexes)
        assert stages[name]["n"] == n
        for g in GROUPS:
            share = counts[g] / n
            ratio = share / (base[g] / n_base)
            assert stages[name][g] == {"count": counts[g], "share": share, "ratio": ratio,
                                       "under_represented": ratio < 0.8}, (name, g)
    assert report["ranked_source"] == {"kind": "shortlist", "run_id": None}
    assert (report["territory"]["code"], report["vacancies"]) == ("68001", 1)
    assert "no son entradas del puntaje" in report["statement"]


def test_placed_people_stay_eligible_and_the_department_includes_the_municipality(actors, population):
    from siee.people.models import Person

    assert Person.objects.filter(pk__in=[population[i].pk for i in PLACED], status="employed").count() == len(PLACED)
    report = fairness_report(actor=actors.counsellor, territory="68", check=False)
    assert report["stages"]["eligible"]["n"] == len(POPULATION) + 3


def test_stored_match_results_are_the_ranked_stage(actors, cook, population):
    from siee.matching.models import MatchResult, MatchRun

    vacancy = cook["vacancy"]
    old = MatchRun.objects.create(engine_version="t", status="done")
    MatchResult.objects.create(run=old, vacancy=vacancy, person=population[9], rank=1, score=0.9)
    run = MatchRun.objects.create(engine_version="t", status="done")
    for rank, i in enumerate((1, 2, 8), start=1):
        MatchResult.objects.create(run=run, vacancy=vacancy, person=population[i], rank=rank, score=1 - rank / 10)
    report = fairness_report(actor=actors.admin, territory="68001", check=False)
    counts, n = expected([1, 2, 8])
    assert report["ranked_source"] == {"kind": "match_results", "run_id": run.pk}
    assert {g: report["stages"]["ranked"][g]["count"] for g in GROUPS} == counts
    assert report["stages"]["ranked"]["n"] == n == 3
    report = fairness_report(actor=actors.admin, territory="68001", run_id=old.pk, check=False)
    assert (report["stages"]["ranked"]["n"], report["stages"]["ranked"]["women"]["count"]) == (1, 0)


def test_sensitive_attributes_do_not_change_scores(actors, cook, population):
    report = fairness_report(actor=actors.admin, territory="68001", check=True, sample_people=8, sample_vacancies=1)
    check = report["sensitive_attribute_check"]
    assert check["available"] is True
    assert (check["people"], check["vacancies"], check["pairs"]) == (8, 1, 8)
    assert check["max_score_difference"] == 0.0
    assert check["passed"] is True
    # the vacancy is a fixed-term labour contract: the undocumented variant is filtered (not scored) for each pair
    assert check["legally_filtered_variants"] == 8
    text = format_fairness_report(report)
    assert "diferencia máxima de puntaje = 0.000000 → SUPERADA" in text


def test_outsider_cannot_report_on_bucaramanga(actors, population):
    with pytest.raises(OutOfScope):
        fairness_report(actor=actors.outsider, territory="68001", check=False)


def test_analyst_may_see_the_aggregates(actors, population):
    from factories import make_user

    analyst = make_user(actors.home, "analyst")
    report = fairness_report(actor=analyst, territory="68001", check=False)
    assert report["stages"]["referred"]["n"] == len(REFERRED)
