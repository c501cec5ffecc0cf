"""Hand-built cases of the seed-capital rules (eligibility, committee scoring, tranches), the advisory route,
the diagnosis score and the route between job seeking and self-employment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from factories import make_person, skill
from siee.core.errors import ValidationFailed
from siee.enterprise import services
from siee.enterprise.models import ApplicationStatus, Award, Stage, StepKind, Tranche, TrancheStatus
from siee.people.models import PersonEvent

TODAY = dt.date(2026, 5, 4)


def _call(actors, **overrides):
    data = {"name": "Convocatoria", "opens_on": TODAY - dt.timedelta(days=5), "closes_on": TODAY + dt.timedelta(days=5),
            "amount_per_award": "1000000", "budget": "1500000", "min_stage": Stage.BUSINESS_PLAN}
    data.update(overrides)
    return services.create_call(actor=actors.admin, data=data, territory_codes=["68001"],
                                criteria=[{"name": "Viabilidad", "weight": 3, "max_score": 5},
                                          {"name": "Impacto", "weight": 1, "max_score": 10}])


def _to_business_plan(adviser, ini):
    services.complete_step(actor=adviser, initiative_id=ini.pk, kind=StepKind.DIAGNOSIS)
    services.complete_step(actor=adviser, initiative_id=ini.pk, kind=StepKind.TRAINING)
    return services.change_stage(actor=adviser, initiative_id=ini.pk, stage=Stage.BUSINESS_PLAN)


def _eligible_app(actors, adviser, ini, **call_overrides):
    _to_business_plan(adviser, ini)
    call = _call(actors, **call_overrides)
    return call, services.apply_to_call(actor=adviser, call_id=call.pk, initiative_id=ini.pk, today=TODAY)


# --- advisory route ----------------------------------------------------------------------------------------

def test_stage_cannot_advance_without_the_routes_required_steps(adviser, bakery):
    with pytest.raises(ValidationFailed) as exc:
        services.change_stage(actor=adviser, initiative_id=bakery.pk, stage=Stage.BUSINESS_PLAN)
    assert exc.value.field == "stage"
    assert "Diagnóstico empresarial, Formación en emprendimiento" in exc.value.message
    bakery.refresh_from_db()
    assert bakery.stage == Stage.IDEA
    _to_business_plan(adviser, bakery)
    bakery.refresh_from_db()
    assert bakery.stage == Stage.BUSINESS_PLAN


def test_diagnosis_score_is_weighted_by_question_and_area():
    questions = [{"code": "a", "area": "Mercado", "weight": 3, "text": "A"},
                 {"code": "b", "area": "Mercado", "weight": 1, "text": "B"},
                 {"code": "c", "area": "Finanzas", "weight": 2, "text": "C"}]
    score, areas = services.score_answers(questions, {"a": 4, "b": 0, "c": 2})
    # (3*1 + 1*0 + 2*0.5) / 6 = 4/6
    assert score == 66.7
    assert areas == {"Mercado": 75.0, "Finanzas": 50.0}
    with pytest.raises(ValidationFailed) as exc:
        services.score_answers(questions, {"a": 5, "b": 0, "c": 2})
    assert exc.value.field == "a"


# --- eligibility -------------------------------------------------------------------------------------------

def test_eligibility_rules_each_with_their_reason(actors, adviser, bakery):
    call = _call(actors, required_course="EMP-101", require_registered=True)
    rules = {r["rule"]: r["ok"] for r in services.check_eligibility(call, bakery, today=TODAY, completions=lambda ids, code: set())}
    assert rules == {"open": True, "stage": False, "territory": True, "registered": False, "training": False}
    _to_business_plan(adviser, bakery)
    services.formalize_initiative(actor=adviser, initiative_id=bakery.pk, tax_id="900123456-7")
    bakery.refresh_from_db()
    owner_only = lambda ids, code: {bakery.owner_id} if code == "EMP-101" and bakery.owner_id in ids else set()  # noqa: E731
    rules = {r["rule"]: r["ok"] for r in services.check_eligibility(call, bakery, today=TODAY, completions=owner_only)}
    assert rules == {"open": True, "stage": True, "territory": True, "registered": True, "training": True}
    late = {r["rule"]: r["ok"] for r in services.check_eligibility(call, bakery, today=TODAY + dt.timedelta(days=6),
                                                                   completions=owner_only)}
    assert late["open"] is False


def test_initiative_outside_the_calls_territory_is_ineligible(actors, adviser):
    person = make_person(actors.counsellor, municipality_code="68276")  # Floridablanca, same agency
    ini = services.create_initiative(actor=adviser, owner_id=person.pk, data={"name": "Arepas Floridablanca"})
    call, app = _eligible_app(actors, adviser, ini)
    assert app.status == ApplicationStatus.INELIGIBLE
    assert [r["rule"] for r in app.eligibility if not r["ok"]] == ["territory"]


def test_completed_training_lookup_without_training_records_finds_nobody(bakery):
    assert services.training_completions([bakery.owner_id], "NO-EXISTE") == set()


# --- committee scoring and award ---------------------------------------------------------------------------

def test_committee_score_is_the_weighted_mean_of_each_criterions_average(actors, adviser, bakery):
    call, app = _eligible_app(actors, adviser, bakery)
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 5}, scorer_label="j1")
    app.refresh_from_db()
    assert app.score is None  # "Impacto" not scored yet
    services.score_application(actor=adviser, application_id=app.pk, scores={"Impacto": 4}, scorer_label="j1")
    app = services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 3, "Impacto": 8},
                                     scorer_label="j2")
    # Viabilidad (5+3)/2 = 4 of 5 -> 0.8 x 3 = 2.4; Impacto (4+8)/2 = 6 of 10 -> 0.6 x 1; (2.4 + 0.6) / 4 = 75%
    assert app.score == 75.0
    with pytest.raises(ValidationFailed) as exc:
        services.score_application(actor=adviser, application_id=app.pk, scores={"Impacto": 11}, scorer_label="j3")
    assert exc.value.field == "Impacto"


def test_award_needs_the_minimum_score_and_respects_the_budget(actors, adviser, bakery, owner):
    call, app = _eligible_app(actors, adviser, bakery, min_score=80)
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 3, "Impacto": 6})
    with pytest.raises(ValidationFailed) as exc:  # 60 < 80
        services.award_application(actor=adviser, application_id=app.pk, tranches=[{"amount": 1, "milestone": "x"}])
    assert exc.value.field == "score"
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 5, "Impacto": 10})
    with pytest.raises(ValidationFailed) as exc:  # 2,000,000 > budget 1,500,000
        services.award_application(actor=adviser, application_id=app.pk, amount="2000000",
                                   tranches=[{"amount": 1, "milestone": "x"}])
    assert exc.value.field == "amount"
    assert Award.objects.count() == 0


# --- tranches ----------------------------------------------------------------------------------------------

def _awarded(actors, adviser, bakery):
    call, app = _eligible_app(actors, adviser, bakery)
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 5, "Impacto": 10})
    return services.award_application(actor=adviser, application_id=app.pk, on=TODAY, tranches=[
        {"amount": "600000", "milestone": "Compra del horno"}, {"amount": "300000", "milestone": "Primeras ventas"}])


def test_tranches_over_the_award_are_refused_and_nothing_is_written(actors, adviser, bakery, snapshot):
    call, app = _eligible_app(actors, adviser, bakery)
    services.score_application(actor=adviser, application_id=app.pk, scores={"Viabilidad": 5, "Impacto": 10})
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        services.award_application(actor=adviser, application_id=app.pk, tranches=[
            {"amount": "700000", "milestone": "Horno"}, {"amount": "400000", "milestone": "Ventas"}])
    assert exc.value.field == "tranches"
    assert exc.value.message == "Los desembolsos suman $ 1.100.000 y superan el monto adjudicado de $ 1.000.000."
    assert snapshot() == before

    assert Award.objects.count() == 0
    award = services.award_application(actor=adviser, application_id=app.pk, on=TODAY, tranches=[
        {"amount": "600000", "milestone": "Compra del horno"}, {"amount": "300000", "milestone": "Primeras ventas"}])
    with pytest.raises(ValidationFailed) as exc:  # planned 900,000 + 100,001 > 1,000,000
        services.add_tranche(actor=adviser, award_id=award.pk, amount="100001", milestone="Extra")
    assert exc.value.field == "amount"
    third = services.add_tranche(actor=adviser, award_id=award.pk, amount="100000", milestone="Extra")
    assert third.number == 3
    assert sum(t.amount for t in award.tranches.all()) == Decimal("1000000.00")


def test_tranches_are_paid_in_order_once_and_schedule_survival_follow_ups(actors, adviser, bakery):
    award = _awarded(actors, adviser, bakery)
    first, second = award.tranches.order_by("number")
    with pytest.raises(ValidationFailed) as exc:
        services.pay_tranche(actor=adviser, tranche_id=second.pk)
    assert exc.value.field == "tranche"
    with pytest.raises(ValidationFailed) as exc:
        services.pay_tranche(actor=adviser, tranche_id=first.pk, milestone_met=False)
    assert exc.value.field == "milestone"
    services.pay_tranche(actor=adviser, tranche_id=first.pk, on=TODAY)
    with pytest.raises(ValidationFailed):
        services.pay_tranche(actor=adviser, tranche_id=first.pk)
    services.pay_tranche(actor=adviser, tranche_id=second.pk, on=TODAY)
    assert list(Tranche.objects.filter(award=award).values_list("status", flat=True)) == [TrancheStatus.PAID] * 2
    assert list(bakery.survival_follow_ups.values_list("months", "due_on")) == [
        (6, dt.date(2026, 11, 4)), (12, dt.date(2027, 5, 4)), (24, dt.date(2028, 5, 4))]


def test_operation_schedules_survival_when_there_was_no_award(adviser, bakery):
    _to_business_plan(adviser, bakery)
    services.complete_step(actor=adviser, initiative_id=bakery.pk, kind=StepKind.BUSINESS_PLAN)
    services.complete_step(actor=adviser, initiative_id=bakery.pk, kind=StepKind.COMMITTEE_REVIEW)
    services.change_stage(actor=adviser, initiative_id=bakery.pk, stage=Stage.OPERATING, on=dt.date(2026, 1, 31))
    assert list(bakery.survival_follow_ups.values_list("months", "due_on", "basis")) == [
        (6, dt.date(2026, 7, 31), "operation"), (12, dt.date(2027, 1, 31), "operation"), (24, dt.date(2028, 1, 31), "operation")]
    fu = bakery.survival_follow_ups.get(months=6)
    services.record_survival(actor=adviser, follow_up_id=fu.pk, operating=True, jobs=3, monthly_sales="2.500.000")
    fu.refresh_from_db()
    assert (fu.operating, fu.jobs, fu.monthly_sales) == (True, 3, Decimal("2500000.00"))


# --- money parsing -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [("12.500", "12500.00"), ("12500,5", "12500.50"), ("1.234.567", "1234567.00"),
                                          ("$ 8.000,25", "8000.25"), (7000, "7000.00"), ("3.5", "3.50")])
def test_amounts_accept_spanish_number_formats(raw, expected):
    assert services.parse_amount(raw, field="price") == Decimal(expected)


@pytest.mark.parametrize("raw", ["doce mil", "12a", "-5", "NaN", "1e400", True])
def test_amounts_that_are_not_numbers_are_refused(raw):
    with pytest.raises(ValidationFailed) as exc:
        services.parse_amount(raw, field="price_min")
    assert exc.value.field == "price_min"


# --- route between job seeking and self-employment ---------------------------------------------------------

def test_counsellor_refers_a_job_seeker_to_entrepreneurship_and_back_keeping_one_record(actors):
    person = make_person(actors.counsellor, first_names="Andreína")
    services.refer_to_entrepreneurship(actor=actors.counsellor, person_id=person.pk, reason="Quiere montar su taller")
    assert services.route_of(person) == "entrepreneurship"
    services.refer_to_employment(actor=actors.counsellor, person_id=person.pk, reason="Prefiere empleo")
    assert services.route_of(person) == "employment"
    kinds = list(PersonEvent.objects.filter(person=person).order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == ["referred_to_entrepreneurship", "referred_to_employment"]
    assert type(person).objects.filter(document_number=person.document_number).count() == 1


def test_completed_training_rule_reads_the_training_app(actors, adviser, bakery, owner):
    from siee.core.models import Organization
    from siee.training import services as training

    provider = Organization.objects.create(name="SENA (prueba)", kind="training_provider")
    course = training.create_course(actor=actors.admin, data={
        "code": "EMP-101", "title": "Emprendimiento básico", "provider": provider.pk, "territory": "68001",
        "hours": 40, "skills": [skill("costeo").pk]})
    cohort = training.create_cohort(actor=actors.admin, course_id=course.pk, name="2026-1", start_date="2026-01-10",
                                    end_date="2026-02-10")
    assert services.training_completions([owner.pk], "EMP-101") == set()
    enrolment = training.enrol_person(actor=actors.admin, cohort_id=cohort.pk, person_id=owner.pk)
    training.complete_enrolment(actor=actors.admin, enrolment_id=enrolment.pk, completed_on="2026-02-10")
    assert services.training_completions([owner.pk], "EMP-101") == {owner.pk}
    call = _call(actors, required_course="EMP-101")
    rules = {r["rule"]: r["ok"] for r in services.check_eligibility(call, bakery, today=TODAY)}
    assert rules["training"] is True
