"""Demo history: reproducible with the seed, consistent with the workflow's rules, and it only adds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from siee.core.demo import generate_demo
from siee.employers.models import Vacancy
from siee.intermediation.demo import generate_history
from siee.intermediation.models import (
    Application,
    FollowUp,
    IntermediationEvent,
    Placement,
    Referral,
    ShortlistEntry,
)
from siee.intermediation.services import add_months
from siee.people.models import Person

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo_population(db, fast_passwords):
    from siee.core.services import ensure_demo_admin

    ensure_demo_admin()  # the demo agency's counsellor and officer
    generate_demo(people=400, vacancies=40, seed=3)


def _rows():
    return {
        "applications": list(Application.objects.order_by("pk").values_list("person_id", "vacancy_id", "channel", "created_at")),
        "referrals": list(Referral.objects.order_by("pk").values_list(
            "person_id", "vacancy_id", "status", "score", "referred_at", "decided_at", "rejection_reason")),
        "placements": list(Placement.objects.order_by("pk").values_list("person_id", "start_date", "monthly_wage", "formal")),
        "follow_ups": list(FollowUp.objects.order_by("pk").values_list("months_after", "due_date", "done_at", "still_employed")),
        "people": list(Person.objects.order_by("pk").values_list("pk", "status")),
        "vacancies": list(Vacancy.objects.order_by("pk").values_list("pk", "status")),
    }


def _run_and_roll_back(seed):
    with transaction.atomic():
        stats = generate_history(seed=seed, today=TODAY)
        rows = _rows()
        transaction.set_rollback(True)
    return stats, rows


def test_same_seed_gives_the_same_history(demo_population):
    stats_a, rows_a = _run_and_roll_back(11)
    stats_b, rows_b = _run_and_roll_back(11)
    stats_c, rows_c = _run_and_roll_back(12)
    stats_a.pop("seconds"), stats_b.pop("seconds"), stats_c.pop("seconds")
    assert (stats_a, rows_a) == (stats_b, rows_b)
    assert rows_a["referrals"] != rows_c["referrals"]
    assert stats_a["referrals"] == len(rows_a["referrals"]) and stats_a["referrals"] >= 40


def test_history_follows_the_workflow_rules(demo_population):
    stats = generate_history(seed=4, today=TODAY)
    referrals = list(Referral.objects.select_related("vacancy"))
    assert len(referrals) == stats["referrals"] == ShortlistEntry.objects.count()
    assert Placement.objects.count() == stats["placements"] == Referral.objects.filter(status="hired").count() == stats["hired"]
    # every placement comes from a hired referral and has its 4 follow-ups at +1/+3/+6/+12 months
    for p in Placement.objects.select_related("referral").prefetch_related("follow_ups"):
        assert (p.referral.status, p.person_id, p.vacancy_id) == ("hired", p.referral.person_id, p.referral.vacancy_id)
        assert sorted((f.months_after, f.due_date) for f in p.follow_ups.all()) == [
            (m, add_months(p.start_date, m)) for m in (1, 3, 6, 12)]
    assert FollowUp.objects.count() == 4 * stats["placements"] == stats["follow_ups"]
    assert FollowUp.objects.filter(done_at__isnull=True, due_date__lt=TODAY).count() == stats["follow_ups_overdue"]
    assert FollowUp.objects.filter(done_at__isnull=False, due_date__gte=TODAY + dt.timedelta(days=1)).count() == 0
    # nobody hired twice; rejections carry a reason; the history spans the last 24 months and never the future
    hired = list(Referral.objects.filter(status="hired").values_list("person_id", flat=True))
    assert len(hired) == len(set(hired))
    assert Referral.objects.filter(status="rejected", rejection_reason="").count() == 0
    dates = [r.referred_at.date() for r in referrals]
    assert TODAY - dt.timedelta(days=740) <= min(dates) and max(dates) <= TODAY
    # vacancies filled when their posts were all placed; placed people still in the job are employed
    from django.db.models import Count

    full = [v for v in Vacancy.objects.annotate(n=Count("placements")) if v.n >= v.posts]
    assert [v.status for v in full] == ["filled"] * len(full)
    assert 0 < stats["vacancies_filled"] <= len(full)
    assert Person.objects.filter(status="employed").count() >= stats["people_employed"]
    assert IntermediationEvent.objects.filter(kind="referred").count() == stats["referrals"]


def test_running_twice_adds_nothing_the_second_time(demo_population):
    generate_history(seed=4, today=TODAY)
    before = _rows()
    again = generate_history(seed=4, today=TODAY)
    assert (again["referrals"], again["applications"], again["placements"]) == (0, 0, 0)
    assert _rows() == before


def test_scoped_reads_see_the_history(demo_population):
    from siee.core.models import User
    from siee.intermediation.selectors import overdue_follow_ups, referrals_for

    stats = generate_history(seed=4, today=TODAY)
    counsellor = User.objects.get(username="orientadora")
    assert referrals_for(counsellor).count() == stats["referrals"]
    assert overdue_follow_ups(counsellor, today=TODAY).count() == stats["follow_ups_overdue"]
