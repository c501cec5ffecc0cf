"""Incremental refresh of the fact table: a request after new rows rebuilds only recent months (and the months of
the new rows), the CLI without --full also picks up modified records, and in every case the facts are exactly
those of a full rebuild."""

from __future__ import annotations

import datetime as dt

import pytest
from test_obs_indicators_data import at, build

from siee.cli import main
from siee.intermediation.models import Referral
from siee.observatory import services
from siee.observatory.facts import REQUEST_MONTHS, plan_incremental, recent_start, refresh_facts
from siee.observatory.models import FactFillState, ObservatoryFact
from siee.observatory.periods import parse_period
from siee.observatory.registry import all_measures
from siee.people.models import Person

COLUMNS = [f.attname for f in ObservatoryFact._meta.fields if f.attname != "id"]


def facts() -> list[tuple]:
    return sorted(ObservatoryFact.objects.values_list(*COLUMNS), key=repr)


def ids_before(month: dt.date) -> set[int]:
    return set(ObservatoryFact.objects.filter(month__lt=month).values_list("pk", flat=True))


def full_rebuild() -> list[tuple]:
    refresh_facts()
    return facts()


def fill_rows_match_table():
    counts = {m: 0 for m in all_measures()}
    for m in ObservatoryFact.objects.values_list("measure", flat=True):
        counts[m] += 1
    return {s.measure: s.rows for s in FactFillState.objects.all()} == counts


@pytest.fixture
def dataset(db, settings):
    settings.SIEE_OBSERVATORY_AUTO_REFRESH = True
    data = build()
    refresh_facts()
    return data


def current_quarter() -> str:
    today = dt.date.today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def test_recent_start_is_the_first_day_of_the_previous_month():
    assert recent_start(dt.date(2026, 12, 6)) == dt.date(2026, 11, 1)
    assert recent_start(dt.date(2027, 1, 31)) == dt.date(2026, 12, 1)
    assert recent_start(dt.date(2027, 1, 31), months=1) == dt.date(2027, 1, 1)
    assert recent_start(dt.date(2027, 3, 1), months=15) == dt.date(2026, 1, 1)


def test_request_after_a_new_row_this_month_rebuilds_only_recent_months(dataset):
    window = recent_start(months=REQUEST_MONTHS)  # the current month
    old_ids = ids_before(window)
    registered_before = ObservatoryFact.objects.filter(measure="people_registered", grain="").count()
    p1 = dataset["people"][1]
    newcomer = Person.objects.create(first_names="Nueva", last_names="Inscrita", document_type="CC",
                                     document_number="99009999", nationality="CO", birth_date=dt.date(1999, 3, 1),
                                     sex="F", municipality=dataset["territories"]["68001"], status="active",
                                     expected_wage=1_700_000, education_level=p1.education_level)
    Referral.objects.create(person=newcomer, vacancy=dataset["vacancies"][2], referred_at=newcomer.registered_at,
                            status="referred")

    plan = plan_incremental(all_measures().values(), only_stale=True, months=REQUEST_MONTHS)
    # Only the measures over people and referrals are stale, each from the current month on.
    assert plan == {"people_registered": window, "people_active": window, "expected_wage": window,
                    "referrals": window}

    services.compute_all(territory="68", period=current_quarter(), breakdowns=["sex"])

    # No fact of an older month was deleted or rewritten; the only new ones there are stock snapshots carried over
    # months without records (October, November) up to the new row's month.
    added = ids_before(window) - old_ids
    assert old_ids <= ids_before(window)
    assert set(ObservatoryFact.objects.filter(pk__in=added).values_list("grain", flat=True)) <= {"cum=", "cum=sex"} | {
        f"cum={c}" for c in ("age_group", "nationality", "migratory_status", "disability", "education_level")}
    assert ObservatoryFact.objects.filter(measure="people_registered", grain="").count() == registered_before + 1
    assert plan_incremental(all_measures().values(), only_stale=True) == {}  # fresh again
    assert fill_rows_match_table()
    incremental = facts()
    assert incremental == full_rebuild()


def test_request_after_a_row_in_an_old_month_rebuilds_from_that_month(dataset):
    ids_july = ids_before(dt.date(2026, 8, 1))
    Referral.objects.create(person=dataset["people"][3], vacancy=dataset["vacancies"][2],
                            referred_at=at("2026-08-20"), status="referred")
    assert plan_incremental(all_measures().values(), only_stale=True) == {"referrals": dt.date(2026, 8, 1)}
    r = services.compute("referrals", territory="68", period="2026Q3", disclosure=False)
    assert r.value == 5.0  # R1-R4 and the new one (R5 is withdrawn)
    assert ids_july <= ids_before(dt.date(2026, 8, 1))
    assert fill_rows_match_table()
    assert facts() == full_rebuild()


def test_modified_old_record_waits_for_the_cli_refresh(dataset, capsys):
    # P1 (registered 2026-07) finds a job: people_active of July changes, but no row was added.
    Person.objects.filter(pk=dataset["people"][1].pk).update(status="employed", updated_at=dt.datetime.now(dt.UTC))
    q3 = parse_period("2026Q3")
    stale = services.compute("active_seekers", territory="68001", period=q3, disclosure=False)
    assert stale.value == 3.0  # P1, P2, P5 (June) as aggregated before: the request-time refresh only looks for new rows

    assert main(["indicators", "refresh"]) == 0  # incremental: modified records' months too
    out = capsys.readouterr().out
    assert "people_active desde 2026-07" in out
    assert "referrals desde" in out  # every measure gets at least its recent months
    fresh = services.compute("active_seekers", territory="68001", period=q3, disclosure=False)
    assert fresh.value == 2.0  # P2, P5
    assert fill_rows_match_table()
    assert facts() == full_rebuild()


def test_cli_full_rebuilds_every_month(dataset, capsys):
    old_ids = ids_before(recent_start())
    assert main(["indicators", "refresh", "--full"]) == 0
    out = capsys.readouterr().out
    assert "desde" not in out
    assert ids_before(recent_start()).isdisjoint(old_ids)
    assert out.splitlines()[-1].startswith(f"Agregadas {len(all_measures())} medidas")


def test_deleted_rows_rebuild_the_whole_measure(dataset):
    Referral.objects.filter(pk=Referral.objects.order_by("-pk").first().pk).delete()
    assert plan_incremental(all_measures().values(), only_stale=True) == {"referrals": None}
    services.compute("referrals", territory="68", period="2026Q3")
    assert facts() == full_rebuild()
