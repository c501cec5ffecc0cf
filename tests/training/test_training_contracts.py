"""Payment formula of results-linked contracts: hand-computed amounts, and clear errors for bad formulas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from factories import make_employer, make_person, make_vacancy
from siee.core.errors import OutOfScope, ValidationFailed
from siee.intermediation import services as intermediation
from siee.intermediation.models import FollowUp
from siee.training import services
from siee.training.contracts import CohortMeasures, compute_payable, validate_formula
from siee.training.models import ResultsContract

FORMULA = {"fixed": 1_000_000, "parts": [
    {"indicator": "enrolled", "basis": "rate", "target": 0.8, "amount": 500_000},
    {"indicator": "completed", "basis": "rate", "target": 0.7, "amount": 2_000_000},
    {"indicator": "certified", "basis": "count", "target": 10, "amount": 1_000_000},
    {"indicator": "placed_90d", "basis": "rate", "target": 0.3, "amount": 3_000_000},
    {"indicator": "employed_6m", "basis": "count", "target": 3, "amount": 1_500_000}]}


def test_payable_releases_only_the_parts_reached():
    m = CohortMeasures(seats=20, enrolled=18, completed=13, certified=12, placed_90d=5, employed_6m=3)
    r = compute_payable(FORMULA, m)
    # enrolled 18/20 = 90% ≥ 80% ✓; completed 13/18 = 72.2% ≥ 70% ✓; certified 12 ≥ 10 ✓;
    # placed 5/18 = 27.8% < 30% ✗; employed at 6 months 3 ≥ 3 ✓
    assert [(line["part"], line["reached"], line["amount"]) for line in r["lines"]] == [
        ("fixed", True, 1_000_000), ("enrolled", True, 500_000), ("completed", True, 2_000_000),
        ("certified", True, 1_000_000), ("placed_90d", False, 0), ("employed_6m", True, 1_500_000)]
    assert r["payable"] == 1_000_000 + 500_000 + 2_000_000 + 1_000_000 + 1_500_000 == 6_000_000
    assert r["maximum"] == 9_000_000
    assert r["lines"][4]["measured"] == round(5 / 18, 4)
    assert r["lines"][4]["why"].startswith("Colocadas dentro de los 90 días siguientes a la finalización: 5/18 = 28%")
    assert "no alcanzada" in r["lines"][4]["why"]


def test_a_cohort_without_enrolments_gets_only_the_fixed_part():
    r = compute_payable(FORMULA, CohortMeasures(seats=20, enrolled=0, completed=0, certified=0, placed_90d=0,
                                                employed_6m=0))
    assert r["payable"] == 1_000_000


@pytest.mark.parametrize(("formula", "field", "reason"), [
    ({"fixed": 1, "parts": [{"indicator": "happiness", "target": 0.5, "amount": 1}]}, "formula.parts[1]",
     "Indicador desconocido: 'happiness'"),
    ({"fixed": -5, "parts": []}, "formula.fixed", "mayor o igual a cero"),
    ({"fixed": 1, "parts": [{"indicator": "completed", "basis": "rate", "target": 1.5, "amount": 1}]},
     "formula.parts[1]", "entre 0 y 1"),
    ({"fixed": 1, "parts": [{"indicator": "completed", "basis": "ratio", "target": 0.5, "amount": 1}]},
     "formula.parts[1]", "Base desconocida"),
    ("fixed=1", "formula", "debe ser un objeto"),
])
def test_bad_formulas_are_clear_errors(formula, field, reason):
    with pytest.raises(ValidationFailed) as exc:
        validate_formula(formula)
    assert field in exc.value.errors
    assert reason in exc.value.errors[field][0]


def test_contract_with_unknown_indicator_is_not_saved(actors, kitchen):
    with pytest.raises(ValidationFailed) as exc:
        services.create_contract(actor=actors.counsellor, provider_id=kitchen["provider"].pk, code="CT-X",
                                 title="x", start_date="2026-01-01", end_date="2026-12-31",
                                 formula={"fixed": 1, "parts": [{"indicator": "colocados", "target": 1,
                                                                 "basis": "count", "amount": 5}]})
    assert "formula.parts[1]" in exc.value.errors
    assert ResultsContract.objects.count() == 0


def test_measures_from_system_data_placed_within_90_days_and_employed_at_6_months(actors, kitchen):
    c = actors.counsellor
    today = timezone.localdate()
    contract = services.create_contract(actor=c, provider_id=kitchen["provider"].pk, code="CT-1", title="t",
                                        start_date=today - dt.timedelta(days=400), end_date=today, formula=FORMULA)
    cohort = services.create_cohort(actor=c, course_id=kitchen["course"].pk, name="C",
                                    start_date=today - dt.timedelta(days=360), end_date=today - dt.timedelta(days=330),
                                    seats=4, contract_id=contract.pk)
    people = [kitchen["cook"]] + [make_person(c, first_names=f"P{i}") for i in range(4)]
    enrolments = [services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=p.pk) for p in people]
    assert [e.status for e in enrolments] == ["enrolled"] * 4 + ["waitlisted"]
    done_on = today - dt.timedelta(days=330)
    for e in enrolments[:3]:
        services.complete_enrolment(actor=c, enrolment_id=e.pk, completed_on=done_on, certified=e is not enrolments[2])
    services.drop_enrolment(actor=c, enrolment_id=enrolments[3].pk, reason="employment")  # promotes the 5th
    emp = make_employer(c)
    vac = make_vacancy(c, emp, posts=5)
    # P0 placed 30 days after completion (within 90), still employed at 6 months; P1 placed 120 days after: not counted
    p0 = intermediation.record_placement(actor=c, person_id=people[0].pk, vacancy_id=vac.pk, contract_type="fixed",
                                         monthly_wage=1_500_000, start_date=(done_on + dt.timedelta(days=30)).isoformat())
    intermediation.record_placement(actor=c, person_id=people[1].pk, vacancy_id=vac.pk, contract_type="fixed",
                                    monthly_wage=1_500_000, start_date=(done_on + dt.timedelta(days=120)).isoformat())
    six = FollowUp.objects.get(placement=p0, months_after=6)
    intermediation.complete_follow_up(actor=c, follow_up_id=six.pk, still_employed=True)
    result = services.contract_payable(actor=c, contract_id=contract.pk)
    [row] = result["cohorts"]
    # started: 4 enrolled + the dropped one = 5 (the promoted 5th is enrolled, not completed)
    assert row["measures"] == {"seats": 4, "enrolled": 5, "completed": 3, "certified": 2, "placed_90d": 1,
                               "employed_6m": 1}
    # enrolled 5/4 ≥ 0.8 ✓ 500k; completed 3/5 = 60% < 70% ✗; certified 2 < 10 ✗; placed 1/5 = 20% < 30% ✗;
    # employed 1 < 3 ✗ → 1,000,000 + 500,000
    assert row["payable"] == 1_500_000
    with pytest.raises(OutOfScope):
        services.contract_payable(actor=actors.outsider, contract_id=contract.pk)
