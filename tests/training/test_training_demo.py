"""`siee demo` training data: a food-handling course, cohorts, enrolments, completions, opportunities and a
results contract whose payable amount is computed; idempotent for a seed."""

from __future__ import annotations

from siee.core.demo import generate_demo
from siee.core.services import ensure_demo_admin
from siee.people.models import PersonSkill
from siee.training import demo
from siee.training.models import Cohort, Course, Enrolment, Opportunity, ResultsContract


def test_demo_generates_training_data_once(db, fast_passwords):
    ensure_demo_admin()
    stats = generate_demo(people=400, vacancies=60, seed=4, history=True)
    training = stats["extras"]["training"]
    assert training["providers"] == 3 and training["contracts"] == 1
    assert training["courses"] == Course.objects.count() >= 2
    assert training["cohorts"] == Cohort.objects.count()
    assert training["enrolments"] == Enrolment.objects.count()
    assert training["completions"] == Enrolment.objects.filter(status="completed").count() > 0
    assert training["opportunities"] == Opportunity.objects.count()
    food = Course.objects.get(code="DEMO-T4-01")
    assert list(food.skills.values_list("uri", flat=True)) == ["urn:siee:skill:manipulacion-de-alimentos"]
    certified = Enrolment.objects.filter(cohort__course=food, certified=True).values_list("person_id", flat=True)
    assert PersonSkill.objects.filter(person_id__in=list(certified), skill__uri__endswith="manipulacion-de-alimentos",
                                      certified=True).count() == len(certified) > 0
    contract = ResultsContract.objects.get()
    from django.contrib.auth import get_user_model

    from siee.training.services import contract_payable

    admin = get_user_model().objects.get(username="admin")
    payable = contract_payable(actor=admin, contract_id=contract.pk)
    assert [c["cohort_id"] for c in payable["cohorts"]] == list(
        Cohort.objects.filter(contract=contract).order_by("start_date", "id").values_list("pk", flat=True))
    assert payable["total_payable"] == sum(c["payable"] for c in payable["cohorts"]) >= 8_000_000  # two fixed parts
    again = demo.generate(seed=4)
    assert (again["courses"], again["enrolments"]) == (0, 0)
    assert Course.objects.count() == training["courses"]
