"""`siee demo` with history: the observatory demo re-dates the demo records consistently with their history and
rebuilds the facts, so the last complete quarter has registrations and vacancies to show."""

from __future__ import annotations

from django.db.models import Min

from siee.core.demo import generate_demo
from siee.employers.models import Vacancy
from siee.intermediation.models import Application, Referral
from siee.observatory import services
from siee.observatory.models import FactFillState
from siee.observatory.periods import last_complete_quarter
from siee.people.models import Person


def test_demo_dates_follow_history_and_facts_are_fresh(db):
    stats = generate_demo(people=800, vacancies=80, seed=3, history=True)
    assert stats["extras"]["observatory"]["redated_people"] == 800
    assert stats["extras"]["observatory"]["redated_vacancies"] == 80
    # A person registers before their first referral; a vacancy is posted no later than its first application.
    first_ref = dict(Referral.objects.values("person_id").annotate(m=Min("referred_at")).values_list("person_id", "m"))
    for pk, registered in Person.objects.filter(pk__in=first_ref).values_list("pk", "registered_at"):
        assert registered < first_ref[pk]
    first_app = dict(Application.objects.values("vacancy_id").annotate(m=Min("created_at")).values_list("vacancy_id", "m"))
    for pk, created in Vacancy.objects.filter(pk__in=first_app).values_list("pk", "created_at"):
        assert created <= first_app[pk]
    # Registrations spread over many months; the facts were rebuilt by the demo (no stale measure).
    months = {d.strftime("%Y-%m") for d in Person.objects.values_list("registered_at", flat=True)}
    assert len(months) >= 12
    assert FactFillState.objects.count() >= 22
    q = last_complete_quarter()
    result = services.compute("people_registered", territory="68", period=q, disclosure=False)
    expected = sum(1 for d in Person.objects.values_list("registered_at", flat=True)
                   if q.start <= d.astimezone(services_tz()).date() < q.end)
    assert result.value == expected and expected > 0


def services_tz():
    from django.utils import timezone

    return timezone.get_current_timezone()


def test_history_intensity_gives_a_denser_history_and_one_is_the_default(db, monkeypatch):
    import datetime as dt

    import pytest
    from django.db import transaction

    from siee.intermediation.demo import generate_history
    from siee.intermediation.models import FollowUp, Placement

    generate_demo(people=600, vacancies=60, seed=5)
    today = dt.date(2026, 11, 23)

    def run(**kwargs):
        with transaction.atomic():
            stats = generate_history(seed=5, today=today, **kwargs)
            rows = (list(Referral.objects.order_by("pk").values_list("person_id", "vacancy_id", "status")),
                    Placement.objects.count(), FollowUp.objects.count(), Application.objects.count())
            transaction.set_rollback(True)
        stats.pop("seconds")
        return stats, rows

    default, default_rows = run()
    assert run(intensity=1) == (default, default_rows)  # intensity 1 is exactly the history of old
    monkeypatch.setenv("SIEE_DEMO_HISTORY_INTENSITY", "4")
    dense, dense_rows = run()
    assert run(intensity=4) == (dense, dense_rows)  # the environment variable is the default
    assert dense["referrals"] == len(dense_rows[0]) > 2.5 * default["referrals"]
    assert dense["applications"] > 2.5 * default["applications"]
    assert dense["placements"] >= default["placements"] and dense["follow_ups"] == 4 * dense["placements"]
    monkeypatch.setenv("SIEE_DEMO_HISTORY_INTENSITY", "0")
    with pytest.raises(ValueError):
        generate_history(seed=5, today=today)
