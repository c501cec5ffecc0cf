"""The "Done when" scenario of issue 5, at service level: a counsellor sees that a migrant cook lacks food
handling for most cooking vacancies, enrols her, records completion; the profile shows the certified skill, she
ranks higher for those vacancies, and the provider's contract shows the payable amount for the cohort."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from siee.core.models import AuditEntry
from siee.intermediation import services as intermediation
from siee.matching import services as matching
from siee.people.models import PersonEvent, PersonSkill
from siee.training import services
from siee.training.models import EnrolmentStatus
from siee.training.recommendations import person_skill_gaps


def _rank(actor, vacancy, person):
    page = matching.rank_candidates(actor=actor, vacancy_id=vacancy.pk, top=20)
    for position, r in enumerate(page.results, start=1):
        if r.id == person.pk:
            return position, r.score
    return None, None


def test_migrant_cook_is_trained_certified_ranks_higher_and_contract_pays(actors, kitchen):
    counsellor, cook, food = actors.counsellor, kitchen["cook"], kitchen["food"]
    vacancies = kitchen["vacancies"]
    today = timezone.localdate()

    # 1. The counsellor sees the gap: food handling is missing for 3 of the 4 cooking vacancies she nearly matches.
    gaps = person_skill_gaps(cook)
    assert gaps["vacancies_considered"] == 4
    assert gaps["already_qualified"] == 1
    assert [(m["label"], m["vacancies"], m["posts"], m["share_of_vacancies"]) for m in gaps["missing"]] == [
        ("manipulación de alimentos", 3, 4, 0.75)]
    assert [c["code"] for c in gaps["missing"][0]["courses"]] == ["MANIP-01"]
    rec = gaps["recommendations"][0]
    assert (rec["code"], rec["opens_vacancies"], rec["opens_posts"]) == ("MANIP-01", 3, 4)
    assert rec["closes"] == [{"skill": "urn:siee:test:skill:manipulacion-de-alimentos",
                              "label": "manipulación de alimentos", "vacancies": 3}]

    _, score_before = _rank(counsellor, vacancies[0], cook)
    assert score_before is not None

    # 2. A results-linked contract and a cohort paid by it; the counsellor enrols her.
    contract = services.create_contract(actor=counsellor, provider_id=kitchen["provider"].pk, code="CT-2026-001",
                                        title="Formación en manipulación de alimentos", start_date=today - dt.timedelta(days=60),
                                        end_date=today + dt.timedelta(days=300), formula={
                                            "fixed": 1_000_000, "parts": [
                                                {"indicator": "completed", "basis": "rate", "target": 0.5, "amount": 2_000_000},
                                                {"indicator": "certified", "basis": "count", "target": 1, "amount": 1_500_000},
                                                {"indicator": "placed_90d", "basis": "count", "target": 1, "amount": 3_000_000}]})
    cohort = services.create_cohort(actor=counsellor, course_id=kitchen["course"].pk, name="Cohorte 1",
                                    start_date=today - dt.timedelta(days=20), end_date=today - dt.timedelta(days=1),
                                    contract_id=contract.pk,
                                    session_dates=[today - dt.timedelta(days=20), today - dt.timedelta(days=10)])
    enrolment = services.enrol_person(actor=counsellor, cohort_id=cohort.pk, person_id=cook.pk)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    services.record_attendance(actor=counsellor, enrolment_id=enrolment.pk, session_number=1, present=True)
    services.record_attendance(actor=counsellor, enrolment_id=enrolment.pk, session_number=2, present=True)

    # 3. Completion with certification: the profile shows the certified skill, with a timeline event and audit.
    services.complete_enrolment(actor=counsellor, enrolment_id=enrolment.pk, completed_on=today - dt.timedelta(days=1),
                                certificate_code="MA-0001")
    assert PersonSkill.objects.get(person=cook, skill=food).certified is True
    assert PersonEvent.objects.filter(person=cook, kind="training_completed").get().params["skills"] == [
        "manipulación de alimentos"]
    assert AuditEntry.objects.filter(object_type="enrolment", object_id=str(enrolment.pk),
                                     fields=["certified", "completed_on", "status"]).count() == 1

    # 4. She now ranks higher for the vacancies requiring it.
    _, score_after = _rank(counsellor, vacancies[0], cook)
    assert score_after > score_before
    after_gaps = person_skill_gaps(cook)
    assert (after_gaps["already_qualified"], after_gaps["missing"]) == (4, [])

    # 5. The contract shows what is payable for the cohort and why.
    payable = services.contract_payable(actor=counsellor, contract_id=contract.pk)
    [c] = payable["cohorts"]
    assert c["measures"] == {"seats": 2, "enrolled": 1, "completed": 1, "certified": 1, "placed_90d": 0,
                             "employed_6m": 0}
    assert [(line["part"], line["reached"], line["amount"]) for line in c["lines"]] == [
        ("fixed", True, 1_000_000), ("completed", True, 2_000_000), ("certified", True, 1_500_000),
        ("placed_90d", False, 0)]
    assert c["payable"] == 4_500_000 and payable["total_payable"] == 4_500_000
    assert "1/1 = 100%" in c["lines"][1]["why"]

    # ... and once she is placed within 90 days the placement part is released too.
    intermediation.record_placement(actor=counsellor, person_id=cook.pk, vacancy_id=vacancies[0].pk,
                                    start_date=today.isoformat(), contract_type="fixed", monthly_wage=1_600_000)
    payable = services.contract_payable(actor=counsellor, contract_id=contract.pk)
    assert payable["cohorts"][0]["measures"]["placed_90d"] == 1
    assert payable["total_payable"] == 7_500_000
