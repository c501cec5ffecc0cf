"""Service-level "Done when" of issue 3 and the rules of the referral pipeline."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import make_employer, make_person, make_vacancy
from siee.core.errors import ErrorCode, OutOfScope, PermissionDenied, ValidationFailed
from siee.core.models import AuditAction, AuditEntry
from siee.employers import services as employer_services
from siee.employers.models import VacancyStatus
from siee.intermediation import services
from siee.intermediation.models import (
    Application,
    ApplicationChannel,
    ApplicationStatus,
    FollowUp,
    IntermediationEvent,
    Placement,
    Referral,
    ReferralStatus,
    ShortlistEntry,
)
from siee.intermediation.selectors import overdue_follow_ups, referrals_for
from siee.people import services as people_services
from siee.people.models import PersonStatus

EXPLANATION = {"summary": "Ocupación igual; 1 de 1 habilidades esenciales.", "parts": {"occupation": 1.0, "skills": 1.0},
               "matched_skills": ["cocinar"], "missing_skills": []}


def refer(actor, vacancy, person, score=0.8, **kw):
    return services.refer_person_to_vacancy(actor=actor, vacancy_id=vacancy.pk, person_id=person.pk, score=score,
                                            explanation=EXPLANATION, engine_version="test-1", weights_version=3, **kw)


def test_add_months_clamps_to_the_end_of_the_month():
    assert [services.add_months(dt.date(2026, 1, 31), m) for m in (1, 3, 6, 12)] == [
        dt.date(2026, 2, 28), dt.date(2026, 4, 30), dt.date(2026, 7, 31), dt.date(2027, 1, 31)]
    assert services.add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)


def test_officer_refers_three_records_one_hired_and_follow_ups_appear(actors, cook, settings):
    settings.SIEE_NOTIFICATION_BACKEND = "whatsapp-link"
    vacancy, people = cook["vacancy"], cook["people"]
    referrals = [refer(actors.counsellor, vacancy, p, score=s) for p, s in zip(people, (0.91, 0.84, 0.77), strict=True)]
    assert [(r.status, r.score, r.engine_version, r.weights_version, r.explanation) for r in referrals] == [
        (ReferralStatus.REFERRED, s, "test-1", 3, EXPLANATION) for s in (0.91, 0.84, 0.77)]
    assert list(referrals_for(actors.admin, vacancy_id=vacancy.pk).order_by("pk")) == referrals

    hired = referrals[1]
    services.record_employer_feedback(actor=actors.counsellor, referral_id=hired.pk, status="interviewed")
    services.record_employer_feedback(actor=actors.counsellor, referral_id=hired.pk, status="hired")
    services.record_employer_feedback(actor=actors.counsellor, referral_id=referrals[0].pk, status="rejected",
                                      reason="experience", detail="Pedían dos años en cocina caliente.")
    placement = services.record_placement(actor=actors.admin, referral_id=hired.pk, start_date="2026-01-31",
                                          contract_type="fixed", monthly_wage=1_600_000)

    assert (placement.person, placement.vacancy, placement.employer, placement.source, placement.monthly_wage,
            placement.hours_per_week, placement.formal) == (
        people[1], vacancy, cook["employer"], "referral", 1_600_000, 48, True)
    follow_ups = list(FollowUp.objects.filter(placement=placement).order_by("months_after"))
    assert [(f.months_after, f.due_date, f.assigned_to, f.done_at) for f in follow_ups] == [
        (1, dt.date(2026, 2, 28), actors.counsellor, None),
        (3, dt.date(2026, 4, 30), actors.counsellor, None),
        (6, dt.date(2026, 7, 31), actors.counsellor, None),
        (12, dt.date(2027, 1, 31), actors.counsellor, None),
    ]
    people[1].refresh_from_db()
    vacancy.refresh_from_db()
    assert (people[1].status, vacancy.status) == (PersonStatus.EMPLOYED, VacancyStatus.OPEN)  # 2 posts, 1 placed
    assert list(Referral.objects.order_by("pk").values_list("status", "rejection_reason")) == [
        ("rejected", "experience"), ("hired", ""), ("referred", "")]

    def overdue(day):
        return [f.months_after for f in overdue_follow_ups(actors.counsellor, today=day)]

    assert overdue(dt.date(2026, 2, 28)) == []
    assert overdue(dt.date(2026, 3, 1)) == [1]
    assert overdue(dt.date(2026, 8, 1)) == [1, 3, 6]
    done = services.complete_follow_up(actor=actors.counsellor, follow_up_id=follow_ups[0].pk, still_employed=True,
                                       formal=True, wage=1_600_000, notes="Contenta con el trabajo.")
    assert (done.still_employed, done.formal, done.wage, done.done_by) == (True, True, 1_600_000, actors.counsellor)
    assert overdue(dt.date(2026, 8, 1)) == [3, 6]
    assert overdue(dt.date(2027, 2, 1)) == [3, 6, 12]
    assert overdue_follow_ups(actors.outsider, today=dt.date(2027, 2, 1)).count() == 0
    assert list(IntermediationEvent.objects.filter(referral=hired).order_by("pk").values_list("kind", flat=True)) == [
        "referred", "notified", "feedback_interviewed", "feedback_hired", "placed", "follow_up_done"]


def test_second_placement_fills_a_two_post_vacancy(actors, cook):
    vacancy, people = cook["vacancy"], cook["people"]
    for p in people[:2]:
        r = refer(actors.counsellor, vacancy, p)
        services.record_employer_feedback(actor=actors.counsellor, referral_id=r.pk, status="hired")
        services.record_placement(actor=actors.counsellor, referral_id=r.pk, start_date="2026-03-01",
                                  contract_type="indefinite", monthly_wage="1.500.000")
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.FILLED
    assert FollowUp.objects.count() == 8


def test_direct_placement_without_referral(actors, cook):
    person = cook["people"][2]
    placement = services.record_placement(actor=actors.counsellor, person_id=person.pk, employer_id=cook["employer"].pk,
                                          start_date=dt.date(2026, 5, 15), contract_type="services",
                                          monthly_wage=1_300_000, formal=False, hours_per_week=30)
    assert (placement.source, placement.vacancy, placement.referral, placement.formal, placement.hours_per_week) == (
        "direct", None, None, False, 30)
    assert sorted(placement.follow_ups.values_list("due_date", flat=True)) == [
        dt.date(2026, 6, 15), dt.date(2026, 8, 15), dt.date(2026, 11, 15), dt.date(2027, 5, 15)]


# --- invalid transitions and refusals -----------------------------------------------------------------------

def _hired(actors, cook):
    r = refer(actors.counsellor, cook["vacancy"], cook["people"][0])
    return services.record_employer_feedback(actor=actors.counsellor, referral_id=r.pk, status="hired")


def test_hired_cannot_go_back_to_interviewed(actors, cook):
    r = _hired(actors, cook)
    with pytest.raises(ValidationFailed) as err:
        services.record_employer_feedback(actor=actors.counsellor, referral_id=r.pk, status="interviewed")
    assert (err.value.field, err.value.code) == ("status", ErrorCode.INVALID)
    r.refresh_from_db()
    assert r.status == ReferralStatus.HIRED


@pytest.mark.parametrize("status", ["referred", "placed", ""])
def test_unknown_feedback_status_is_refused(actors, cook, status):
    r = refer(actors.counsellor, cook["vacancy"], cook["people"][0])
    with pytest.raises(ValidationFailed) as err:
        services.record_employer_feedback(actor=actors.counsellor, referral_id=r.pk, status=status)
    assert (err.value.field, err.value.code) == ("status", ErrorCode.INVALID)


def test_rejection_needs_a_reason_from_the_list(actors, cook):
    r = refer(actors.counsellor, cook["vacancy"], cook["people"][0])
    for reason, detail, field in (("", "", "reason"), ("porque sí", "", "reason"), ("other", " ", "detail")):
        with pytest.raises(ValidationFailed) as err:
            services.record_employer_feedback(actor=actors.counsellor, referral_id=r.pk, status="rejected",
                                              reason=reason, detail=detail)
        assert (err.value.field, err.value.code) == (field, ErrorCode.INVALID)
    with pytest.raises(ValidationFailed) as err:
        services.record_employer_feedback(actor=actors.counsellor, referral_id=r.pk, status="hired", reason="wage")
    assert err.value.field == "reason"
    r.refresh_from_db()
    assert r.status == ReferralStatus.REFERRED


def test_feedback_on_another_territorys_referral_is_not_found(actors, cook):
    r = refer(actors.counsellor, cook["vacancy"], cook["people"][0])
    audit_before = AuditEntry.objects.exclude(action=AuditAction.DENIED).count()
    with pytest.raises(OutOfScope):
        services.record_employer_feedback(actor=actors.outsider, referral_id=r.pk, status="hired")
    r.refresh_from_db()
    assert r.status == ReferralStatus.REFERRED
    assert AuditEntry.objects.exclude(action=AuditAction.DENIED).count() == audit_before
    denied = AuditEntry.objects.get(action=AuditAction.DENIED, actor=actors.outsider)
    assert (denied.object_type, denied.object_id) == ("referral", str(r.pk))


def test_outsider_cannot_refer_bucaramanga_people(actors, cook):
    with pytest.raises(OutOfScope):
        refer(actors.outsider, cook["vacancy"], cook["people"][0])
    assert Referral.objects.count() == 0


def test_placement_requires_a_hired_referral(actors, cook):
    r = refer(actors.counsellor, cook["vacancy"], cook["people"][0])
    services.record_employer_feedback(actor=actors.counsellor, referral_id=r.pk, status="interviewed")
    with pytest.raises(ValidationFailed) as err:
        services.record_placement(actor=actors.counsellor, referral_id=r.pk, start_date="2026-02-01",
                                  contract_type="fixed", monthly_wage=1_500_000)
    assert (err.value.field, err.value.code) == ("referral_id", ErrorCode.INVALID)
    assert (Placement.objects.count(), FollowUp.objects.count()) == (0, 0)


def test_second_placement_of_the_same_referral_is_a_duplicate(actors, cook):
    r = _hired(actors, cook)
    services.record_placement(actor=actors.counsellor, referral_id=r.pk, start_date="2026-02-01",
                              contract_type="fixed", monthly_wage=1_500_000)
    with pytest.raises(ValidationFailed) as err:
        services.record_placement(actor=actors.counsellor, referral_id=r.pk, start_date="2026-02-01",
                                  contract_type="fixed", monthly_wage=1_500_000)
    assert (err.value.field, err.value.code) == ("referral_id", ErrorCode.DUPLICATE)


@pytest.mark.parametrize("kwargs, field", [
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"start_date": ""}, "start_date"),
    ({"start_date": "0001-01-01"}, "start_date"),
    ({"contract_type": "verbal"}, "contract_type"),
    ({"monthly_wage": -5}, "monthly_wage"),
    ({"monthly_wage": "mucho"}, "monthly_wage"),
    ({"hours_per_week": 200}, "hours_per_week"),
])
def test_placement_terms_are_validated(actors, cook, kwargs, field):
    r = _hired(actors, cook)
    args = {"start_date": "2026-02-01", "contract_type": "fixed", "monthly_wage": 1_500_000, **kwargs}
    with pytest.raises(ValidationFailed) as err:
        services.record_placement(actor=actors.counsellor, referral_id=r.pk, **args)
    assert err.value.field == field
    assert Placement.objects.count() == 0


def test_duplicate_referral_is_refused(actors, cook):
    refer(actors.counsellor, cook["vacancy"], cook["people"][0])
    with pytest.raises(ValidationFailed) as err:
        refer(actors.admin, cook["vacancy"], cook["people"][0])
    assert (err.value.field, err.value.code) == ("person_id", ErrorCode.DUPLICATE)
    assert Referral.objects.count() == 1


def test_a_withdrawn_referral_can_be_made_again(actors, cook):
    r = refer(actors.counsellor, cook["vacancy"], cook["people"][0])
    services.record_employer_feedback(actor=actors.counsellor, referral_id=r.pk, status="withdrawn")
    again = refer(actors.counsellor, cook["vacancy"], cook["people"][0])
    assert list(Referral.objects.order_by("pk").values_list("pk", "status")) == [(r.pk, "withdrawn"), (again.pk, "referred")]


def test_referral_without_consent_is_refused(actors, cook):
    person = cook["people"][0]
    people_services.revoke_consent(actor=actors.counsellor, person_id=person.pk)
    with pytest.raises(ValidationFailed) as err:
        refer(actors.counsellor, cook["vacancy"], person)
    assert (err.value.field, err.value.code) == ("consent", ErrorCode.CONSENT_REQUIRED)
    with pytest.raises(ValidationFailed) as err:
        services.apply_to_vacancy(actor=actors.counsellor, vacancy_id=cook["vacancy"].pk, person_id=person.pk)
    assert (err.value.field, err.value.code) == ("consent", ErrorCode.CONSENT_REQUIRED)
    assert (Referral.objects.count(), Application.objects.count()) == (0, 0)


def test_referral_to_a_closed_vacancy_is_refused(actors, cook):
    employer_services.close_vacancy(actor=actors.counsellor, vacancy_id=cook["vacancy"].pk)
    with pytest.raises(ValidationFailed) as err:
        refer(actors.counsellor, cook["vacancy"], cook["people"][0])
    assert (err.value.field, err.value.code) == ("vacancy", ErrorCode.INVALID)


def test_referral_after_the_closing_date_is_refused(actors, cook):
    vacancy = cook["vacancy"]
    vacancy.closing_date = dt.date(2026, 6, 30)
    vacancy.save(update_fields=["closing_date"])
    refer(actors.counsellor, vacancy, cook["people"][0], today=dt.date(2026, 6, 30))
    with pytest.raises(ValidationFailed) as err:
        refer(actors.counsellor, vacancy, cook["people"][1], today=dt.date(2026, 7, 1))
    assert (err.value.field, err.value.code) == ("vacancy", ErrorCode.INVALID)


def test_employed_or_unavailable_people_are_not_referred(actors, cook):
    employed, unavailable = cook["people"][:2]
    people_services.update_person(actor=actors.counsellor, person_id=employed.pk, data={"status": "employed"})
    people_services.update_person(actor=actors.counsellor, person_id=unavailable.pk, data={"availability": "not_available"})
    for person in (employed, unavailable):
        with pytest.raises(ValidationFailed) as err:
            refer(actors.counsellor, cook["vacancy"], person)
        assert (err.value.field, err.value.code) == ("person", ErrorCode.INVALID)


def test_score_out_of_range_is_refused(actors, cook):
    with pytest.raises(ValidationFailed) as err:
        refer(actors.counsellor, cook["vacancy"], cook["people"][0], score=1.5)
    assert err.value.field == "score"


def test_analyst_cannot_refer(actors, cook):
    from factories import make_user

    analyst = make_user(actors.home, "analyst")
    with pytest.raises(PermissionDenied):
        refer(analyst, cook["vacancy"], cook["people"][0])


# --- applications and shortlist ------------------------------------------------------------------------------

def test_staff_application_then_shortlist_then_referral_moves_the_application(actors, cook):
    vacancy, person = cook["vacancy"], cook["people"][0]
    app = services.apply_to_vacancy(actor=actors.counsellor, vacancy_id=vacancy.pk, person_id=person.pk)
    assert (app.channel, app.status, app.created_by) == (ApplicationChannel.STAFF, ApplicationStatus.SUBMITTED, actors.counsellor)
    with pytest.raises(ValidationFailed) as err:
        services.apply_to_vacancy(actor=actors.counsellor, vacancy_id=vacancy.pk, person_id=person.pk)
    assert (err.value.field, err.value.code) == ("vacancy", ErrorCode.DUPLICATE)

    entry = services.shortlist_candidate(actor=actors.counsellor, vacancy_id=vacancy.pk, person_id=person.pk,
                                         score=0.66, explanation=EXPLANATION, engine_version="test-1", weights_version=2)
    app.refresh_from_db()
    assert (entry.score, entry.weights_version, app.status) == (0.66, 2, ApplicationStatus.SHORTLISTED)
    with pytest.raises(ValidationFailed) as err:
        services.shortlist_candidate(actor=actors.counsellor, vacancy_id=vacancy.pk, person_id=person.pk, score=0.5)
    assert (err.value.field, err.value.code) == ("person_id", ErrorCode.DUPLICATE)

    # The referral takes the shortlist's snapshot when no score is passed.
    referral = services.refer_person_to_vacancy(actor=actors.counsellor, vacancy_id=vacancy.pk, person_id=person.pk)
    app.refresh_from_db()
    assert (referral.score, referral.explanation, referral.engine_version, referral.weights_version,
            referral.application, app.status) == (0.66, EXPLANATION, "test-1", 2, app, ApplicationStatus.REFERRED)


def test_remove_from_shortlist(actors, cook):
    vacancy, person = cook["vacancy"], cook["people"][0]
    services.shortlist_candidate(actor=actors.counsellor, vacancy_id=vacancy.pk, person_id=person.pk, score=0.5)
    services.remove_from_shortlist(actor=actors.admin, vacancy_id=vacancy.pk, person_id=person.pk)
    assert ShortlistEntry.objects.count() == 0
    with pytest.raises(ValidationFailed) as err:
        services.remove_from_shortlist(actor=actors.admin, vacancy_id=vacancy.pk, person_id=person.pk)
    assert (err.value.field, err.value.code) == ("person_id", ErrorCode.NOT_FOUND)


def test_job_seeker_applies_for_themselves_through_self_service(actors, cook, fast_passwords):
    from factories import CONSENT, person_data

    person = people_services.register_self_service_person(username="yorgelis", password="clave-segura-1",
                                                          data=person_data(), consent=CONSENT)
    app = services.apply_to_vacancy(actor=person.user, vacancy_id=cook["vacancy"].pk)
    assert (app.person, app.channel, app.created_by) == (person, ApplicationChannel.SELF_SERVICE, person.user)
    with pytest.raises(OutOfScope):  # not their own record
        services.apply_to_vacancy(actor=person.user, vacancy_id=cook["vacancy"].pk, person_id=cook["people"][0].pk)


def test_referral_outside_the_actors_vacancies_is_not_found(actors, cook):
    other_employer = make_employer(actors.outsider, municipality_code="76001")
    cali_vacancy = make_vacancy(actors.outsider, other_employer, municipality_code="76001")
    with pytest.raises(OutOfScope):
        refer(actors.counsellor, cali_vacancy, cook["people"][0])
    cali_person = make_person(actors.outsider, municipality_code="76001")
    with pytest.raises(OutOfScope):
        refer(actors.counsellor, cook["vacancy"], cali_person)


def test_referral_without_a_score_takes_the_engines_score_and_explanation(actors, cook):
    from siee.matching import index_store
    from siee.matching.services import rank_candidates
    from siee.matching.weights import ENGINE_VERSION

    index_store.reset_cache()
    vacancy, person = cook["vacancy"], cook["people"][1]
    page = rank_candidates(actor=actors.counsellor, vacancy_id=vacancy.pk, top=50)
    ranked = {r.id: r for r in page.results}
    referral = services.refer_person_to_vacancy(actor=actors.counsellor, vacancy_id=vacancy.pk, person_id=person.pk,
                                                notify=False)
    assert (referral.score, referral.engine_version, referral.weights_version) == (
        ranked[person.pk].score, ENGINE_VERSION, page.weights_version)
    assert referral.explanation["summary"] == ranked[person.pk].explanation["summary"]


def test_done_when_from_the_engines_ranked_list(actors, cook):
    """The officer ranks candidates for the cook vacancy, refers the top three with the engine's reasons, records a
    hire, and the four follow-up tasks appear for the counsellor."""
    from siee.matching import index_store
    from siee.matching.services import rank_candidates

    index_store.reset_cache()
    vacancy = cook["vacancy"]
    page = rank_candidates(actor=actors.counsellor, vacancy_id=vacancy.pk, top=3)
    assert sorted(r.id for r in page.results) == sorted(p.pk for p in cook["people"])
    assert all(r.explanation["summary"] for r in page.results)
    referrals = [services.refer_person_to_vacancy(
        actor=actors.counsellor, vacancy_id=vacancy.pk, person_id=r.id, score=r.score, explanation=r.explanation,
        engine_version=page.engine_version, weights_version=page.weights_version) for r in page.results]
    assert [(x.person_id, x.score) for x in referrals] == [(r.id, r.score) for r in page.results]
    services.record_employer_feedback(actor=actors.counsellor, referral_id=referrals[0].pk, status="hired")
    placement = services.record_placement(actor=actors.counsellor, referral_id=referrals[0].pk,
                                          start_date="2026-10-01", contract_type="fixed", monthly_wage=1_600_000)
    tasks = overdue_follow_ups(actors.counsellor, today=dt.date(2027, 10, 2))
    assert [(f.placement_id, f.months_after, f.due_date) for f in tasks] == [
        (placement.pk, 1, dt.date(2026, 11, 1)), (placement.pk, 3, dt.date(2027, 1, 1)),
        (placement.pk, 6, dt.date(2027, 4, 1)), (placement.pk, 12, dt.date(2027, 10, 1))]
