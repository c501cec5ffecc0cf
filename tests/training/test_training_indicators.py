"""Training indicators in the observatory: discovered by the registry, computed from enrolments and placements."""

from __future__ import annotations

from django.utils import timezone

from factories import make_employer, make_person, make_vacancy
from siee.intermediation import services as intermediation
from siee.observatory import services as observatory
from siee.observatory.facts import refresh_facts
from siee.training import services


def test_training_indicators_by_course_and_provider(actors, kitchen):
    c = actors.counsellor
    today = timezone.localdate()
    cohort = services.create_cohort(actor=c, course_id=kitchen["course"].pk, name="C", seats=10,
                                    start_date=today.replace(day=1), end_date=today)
    people = [kitchen["cook"]] + [make_person(c, first_names=f"P{i}") for i in range(6)]
    enrolments = [services.enrol_person(actor=c, cohort_id=cohort.pk, person_id=p.pk) for p in people]
    for e in enrolments[:5]:  # five complete, four of them certified; one drops; one stays enrolled
        services.complete_enrolment(actor=c, enrolment_id=e.pk, completed_on=today, certified=e is not enrolments[4])
    services.drop_enrolment(actor=c, enrolment_id=enrolments[5].pk, reason="care")
    vac = make_vacancy(c, make_employer(c), posts=5)
    for p in people[:2]:  # two graduates placed today (within 90 days of completion)
        intermediation.record_placement(actor=c, person_id=p.pk, vacancy_id=vac.pk, contract_type="fixed",
                                        monthly_wage=1_500_000, start_date=today.isoformat())
    refresh_facts()
    codes = {i.code for i in observatory.available_indicators()}
    assert {"training_enrolled", "training_completed", "training_certified", "training_placed_90d",
            "training_completed_by_course", "training_enrolled_by_provider"} <= codes
    period = today.strftime("%Y-%m")

    def value(code):
        return observatory.compute(code, territory="68001", period=period, disclosure=False).value

    assert [value(k) for k in ("training_enrolled", "training_completed", "training_certified",
                               "training_placed_90d")] == [7, 5, 4, 2]
    assert round(value("training_completion_rate"), 2) == round(100 * 5 / 7, 2)
    assert value("training_placement_rate_90d") == 40.0
    by_course = observatory.compute("training_completed_by_course", territory="68001", period=period, disclosure=False)
    assert [(cell.label, cell.value) for cell in by_course.cells] == [("Manipulación higiénica de alimentos", 5)]
    by_provider = observatory.compute("training_enrolled_by_provider", territory="68001", period=period,
                                      disclosure=False)
    assert [(cell.label, cell.value) for cell in by_provider.cells] == [
        ("Escuela Gastronómica de Santander (prueba)", 7)]
