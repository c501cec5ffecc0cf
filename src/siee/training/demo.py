"""Demo training data, called by `siee demo` after people, vacancies and the intermediation history exist.

    generate(seed=1, progress=False) -> counts

Providers, courses that teach the demo territory's largest skill gaps (plus a food-handling course), finished and
upcoming cohorts with sessions, enrolments (completed and certified, dropped with reasons, enrolled, online
requests, waiting list), a few placements of course graduates, opportunities and a results-linked contract.
Reproducible for a seed; idempotent (a second run adds nothing: course codes carry the seed).
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

FOOD_SLUG = "manipulacion-de-alimentos"
PROVIDERS = [
    ("Escuela Gastronómica de Santander (demo)", "900.411.220-3"),
    ("SENA - Centro de Servicios Empresariales y Turísticos (demo)", "899.999.034-1"),
    ("Corporación Emprender Digital (demo)", "901.220.118-5"),
]


def _food_skill():
    from siee.taxonomy.models import Skill
    from siee.training.gaps import SKILL_URN

    qs = (Skill.objects.filter(Q(uri=SKILL_URN + FOOD_SLUG) | Q(label__icontains="manipulación de alimentos")
                               | Q(label__icontains="seguridad alimentaria") | Q(label__icontains="higiene alimentaria")
                               | Q(label__icontains="inocuidad"))
          .annotate(n=Count("vacancyskill")).order_by("-n", "pk"))
    return qs.first()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def generate(*, seed: int, progress: bool = False) -> dict:
    from siee.core.models import Organization, OrganizationKind
    from siee.core.selectors import territory_subtree_ids
    from siee.core.services import demo_agency
    from siee.training.gaps import compute_skill_gaps
    from siee.training.models import Course

    started = time.perf_counter()
    rng = random.Random(seed * 7919 + 5)
    today = timezone.localdate()
    agency = demo_agency()
    territories = list(agency.territories.all().order_by("code"))
    if not territories:
        return {}
    area = territory_subtree_ids(territories)
    main = territories[0]
    prefix = f"DEMO-T{seed}-"
    if Course.objects.filter(code__startswith=prefix).exists():
        return {"providers": 0, "courses": 0, "cohorts": 0, "enrolments": 0, "completions": 0, "opportunities": 0,
                "contracts": 0, "seconds": time.perf_counter() - started}
    gaps = compute_skill_gaps(territory_ids=area, start=today - dt.timedelta(days=365), end=today, top=24)
    food = _food_skill()
    with transaction.atomic():
        providers = []
        for name, tax_id in PROVIDERS:
            org, _ = Organization.objects.get_or_create(name=name, defaults={
                "kind": OrganizationKind.TRAINING_PROVIDER, "tax_id": tax_id, "email": "formacion@example.co"})
            org.territories.add(*territories)
            providers.append(org)
        counts = {"providers": len(providers)}
        counts.update(_courses_and_people(rng=rng, seed=seed, prefix=prefix, today=today, agency=agency, area=area,
                                          main=main, providers=providers, gaps=gaps, food=food))
    counts["seconds"] = time.perf_counter() - started
    return counts


def _courses_and_people(*, rng, seed, prefix, today, agency, area, main, providers, gaps, food) -> dict:
    from siee.training.models import (
        Cohort,
        CohortStatus,
        Course,
        CourseSkill,
        Eligibility,
        Modality,
        Opportunity,
        OpportunityKind,
        ResultsContract,
        Session,
    )

    specs = []
    if food is not None:
        specs.append({"title": "Manipulación higiénica de alimentos y buenas prácticas de manufactura",
                      "skills": [food.pk], "hours": 20, "modality": Modality.BLENDED, "provider": providers[0],
                      "eligibility": Eligibility.MIGRANTS_AND_HOST, "cost": 180_000,
                      "certification": "Certificado de manipulador de alimentos (válido ante la Secretaría de Salud)",
                      "schedule": "Sábados 8:00 a 12:00 y módulo virtual", "contract": True})
    gap_skills = [g for g in gaps if g["gap"] > 0 and (food is None or g["skill_id"] != food.pk)]
    for i in range(0, min(len(gap_skills), 18), 2):
        pair = gap_skills[i:i + 2]
        label = pair[0]["label"]
        specs.append({"title": f"Formación para el trabajo: {label[:1].upper()}{label[1:]}"[:200],
                      "skills": [g["skill_id"] for g in pair], "hours": rng.choice((40, 60, 80, 120)),
                      "modality": rng.choice((Modality.IN_PERSON, Modality.VIRTUAL, Modality.BLENDED)),
                      "provider": providers[1 + (i // 2) % 2], "eligibility": Eligibility.ANYONE,
                      "cost": rng.choice((0, 250_000, 400_000)), "certification": "Certificado de aprobación",
                      "schedule": rng.choice(("Lunes a viernes 18:00 a 21:00", "Martes y jueves 8:00 a 12:00",
                                              "Virtual, a su ritmo")), "contract": False})
    contract = ResultsContract.objects.create(
        code=f"{prefix}CT-001", provider=providers[0], organization=agency,
        title="Formación a la medida en manipulación de alimentos para población migrante y de acogida",
        start_date=today - dt.timedelta(days=400), end_date=today + dt.timedelta(days=330),
        formula={"fixed": 4_000_000.0, "parts": [
            {"indicator": "enrolled", "basis": "rate", "target": 0.8, "amount": 1_000_000.0},
            {"indicator": "completed", "basis": "rate", "target": 0.7, "amount": 3_000_000.0},
            {"indicator": "certified", "basis": "rate", "target": 0.6, "amount": 2_000_000.0},
            {"indicator": "placed_90d", "basis": "rate", "target": 0.25, "amount": 5_000_000.0},
            {"indicator": "employed_6m", "basis": "count", "target": 2, "amount": 3_000_000.0}]})
    n_cohorts = n_enrol = n_done = 0
    used: set[int] = set()
    for i, spec in enumerate(specs, start=1):
        course = Course.objects.create(
            code=f"{prefix}{i:02d}", title=spec["title"], provider=spec["provider"], organization=agency,
            hours=spec["hours"], modality=spec["modality"], schedule=spec["schedule"],
            location="Sede del proveedor, Bucaramanga" if spec["modality"] != Modality.VIRTUAL else "Plataforma virtual",
            territory=main, seats=20, cost=spec["cost"], certification=spec["certification"],
            eligibility=spec["eligibility"],
            description="Curso del catálogo de demostración: enseña habilidades que las vacantes del territorio piden "
                        "y que pocas personas inscritas tienen.")
        CourseSkill.objects.bulk_create([CourseSkill(course=course, skill_id=s) for s in spec["skills"]])
        # finished cohorts (two for the contract course: one a year ago, one four months ago), then an upcoming one
        past = [(360, 330), (150, 120)] if spec["contract"] else [(rng.randrange(100, 200), None)]
        for j, (ago, end_ago) in enumerate(past, start=1):
            start = today - dt.timedelta(days=ago)
            end = today - dt.timedelta(days=end_ago if end_ago is not None else ago - 30)
            cohort = Cohort.objects.create(course=course, name=f"Cohorte {j} · {start.year}", start_date=start,
                                           end_date=end, seats=20, status=CohortStatus.FINISHED,
                                           contract=contract if spec["contract"] else None)
            Session.objects.bulk_create([Session(cohort=cohort, number=k + 1, date=start + dt.timedelta(days=7 * k),
                                                 topic=f"Módulo {k + 1}") for k in range(4)])
            e, d = _enrol_finished(rng, cohort, spec["skills"], area, used, seed, contract=spec["contract"])
            n_cohorts, n_enrol, n_done = n_cohorts + 1, n_enrol + e, n_done + d
        start = today + dt.timedelta(days=14 + rng.randrange(0, 30))
        upcoming = Cohort.objects.create(course=course, name=f"Cohorte {len(past) + 1} · {start.year}",
                                         start_date=start, end_date=start + dt.timedelta(days=35), seats=20,
                                         status=CohortStatus.PLANNED, contract=contract if spec["contract"] else None)
        Session.objects.bulk_create([Session(cohort=upcoming, number=k + 1, date=start + dt.timedelta(days=7 * k),
                                             topic=f"Módulo {k + 1}") for k in range(5)])
        n_enrol += _enrol_upcoming(rng, upcoming, spec["skills"], area, used)
        n_cohorts += 1
    opportunities = []
    opp_specs = [("Cocinas y restaurantes para el turismo gastronómico del área metropolitana", OpportunityKind.EMPLOYMENT,
                  "56", [food.pk] if food else [], 60)]
    for g in gap_skills[:6:2]:
        opp_specs.append((f"Proveedores locales con {g['label']}"[:200], OpportunityKind.BUSINESS, "", [g["skill_id"]],
                          rng.choice((10, 15, 25))))
    from siee.taxonomy.models import Sector

    for title, kind, sector, skills, jobs in opp_specs:
        opp = Opportunity.objects.create(
            territory=main, organization=agency, kind=kind, title=title,
            sector=Sector.objects.filter(code=sector).first() if sector else None,
            market="Demanda de restaurantes, hoteles y plataformas de domicilios; compras de empresas tractoras.",
            actors="Alcaldía, cámara de comercio, gremio de restaurantes, SENA, organizaciones de población migrante.",
            gaps="Certificaciones exigidas por los compradores y empleadores que la población inscrita no tiene.",
            training_objectives="Certificar las habilidades exigidas\nVincular a las personas certificadas con las vacantes",
            minimum_contents="Normativa vigente\nPrácticas en empresa\nServicio al cliente",
            result_indicators="70% finalizan\n60% certificadas\n25% colocadas a 90 días",
            expected_jobs=jobs, valid_from=today - dt.timedelta(days=90), valid_to=today + dt.timedelta(days=270))
        opp.skills.set(skills)
        opportunities.append(opp)
    if specs:
        Course.objects.filter(code=f"{prefix}01").update(opportunity=opportunities[0])
    return {"courses": len(specs), "cohorts": n_cohorts, "enrolments": n_enrol, "completions": n_done,
            "opportunities": len(opportunities), "contracts": 1}


def _candidates(skill_ids, area, used, n, *, lacking: bool = True):
    """Active people of the area with consent who lack the course's skills and want or did an occupation whose
    open vacancies require them; others of the area when there are too few."""
    from siee.employers.models import VacancySkill
    from siee.people.models import Person

    occs = set(VacancySkill.objects.filter(skill_id__in=skill_ids, required=True,
                                           vacancy__municipality_id__in=area).values_list("vacancy__occupation_id", flat=True))
    qs = (Person.objects.filter(status="active", municipality_id__in=area, consents__revoked_at__isnull=True)
          .exclude(pk__in=used))
    if lacking:
        qs = qs.exclude(skills__skill_id__in=skill_ids)
    pool = list(qs.filter(Q(desired_occupations__in=occs) | Q(experience__occupation_id__in=occs))
                .distinct().order_by("pk").values_list("pk", flat=True)[: n * 3])
    if len(pool) < n:
        pool += list(qs.exclude(pk__in=pool).order_by("pk").values_list("pk", flat=True)[: n - len(pool)])
    return pool


def _enrol_finished(rng, cohort, skill_ids, area, used, seed, *, contract: bool) -> tuple[int, int]:
    from siee.people.models import PersonEvent, PersonSkill
    from siee.training.models import Attendance, DropReason, Enrolment, EnrolmentChannel, EnrolmentStatus

    pool = _candidates(skill_ids, area, used, 18)
    rng.shuffle(pool)
    chosen = pool[:18]
    used.update(chosen)
    sessions = list(cohort.sessions.order_by("number"))
    done = 0
    completed_people = []
    for k, pid in enumerate(chosen):
        requested = _at(cohort.start_date - dt.timedelta(days=rng.randrange(5, 30)))
        r = rng.random()
        if r < 0.75:
            status, completed_on = EnrolmentStatus.COMPLETED, cohort.end_date
        else:
            status, completed_on = EnrolmentStatus.DROPPED, None
        e = Enrolment.objects.create(
            cohort=cohort, person_id=pid, status=status, requested_at=requested, enrolled_at=requested,
            channel=EnrolmentChannel.SELF_SERVICE if k % 4 == 0 else EnrolmentChannel.STAFF,
            completed_on=completed_on, certified=status == EnrolmentStatus.COMPLETED and rng.random() < 0.9,
            certificate_code=f"CERT-{seed}-{cohort.pk}-{k + 1:03d}" if status == EnrolmentStatus.COMPLETED else "",
            dropped_on=cohort.start_date + dt.timedelta(days=rng.randrange(3, 20)) if status == EnrolmentStatus.DROPPED else None,
            drop_reason=rng.choice((DropReason.EMPLOYMENT, DropReason.SCHEDULE, DropReason.CARE, DropReason.TRANSPORT,
                                    DropReason.INTEREST)) if status == EnrolmentStatus.DROPPED else "")
        Attendance.objects.bulk_create([Attendance(enrolment=e, session=s, present=rng.random() < 0.9)
                                        for s in sessions if status == EnrolmentStatus.COMPLETED or s.number <= 1])
        if status == EnrolmentStatus.COMPLETED:
            done += 1
            completed_people.append(pid)
        if e.certified:
            for s in skill_ids:
                ps, created = PersonSkill.objects.get_or_create(person_id=pid, skill_id=s,
                                                                defaults={"level": "intermediate", "certified": True})
                if not created and not ps.certified:
                    PersonSkill.objects.filter(pk=ps.pk).update(certified=True)
            PersonEvent.objects.create(person_id=pid, kind="training_completed",
                                       params={"course": cohort.course.title, "title": cohort.course.title, "cohort": cohort.name,
                                               "enrolment": e.pk, "certified": True, "demo": True})
    if contract:
        _place_graduates(rng, cohort, completed_people)
    return len(chosen), done


def _place_graduates(rng, cohort, people) -> None:
    """About a third of a contract cohort's graduates find a job within 90 days (with their follow-ups)."""
    from siee.employers.models import Vacancy
    from siee.intermediation.models import FOLLOW_UP_MONTHS, FollowUp, Placement, PlacementSource
    from siee.intermediation.services import add_months
    from siee.people.models import Person

    vacancies = list(Vacancy.objects.filter(municipality_id=cohort.course.territory_id)
                     .order_by("pk").values_list("pk", "employer_id")[:50])
    if not vacancies:
        return
    now = timezone.now()
    today = timezone.localdate()
    for pid in people[: max(1, len(people) // 3)]:
        vac, employer = rng.choice(vacancies)
        start = cohort.end_date + dt.timedelta(days=rng.randrange(10, 80))
        if start > today:
            continue
        p = Placement.objects.create(person_id=pid, vacancy_id=vac, employer_id=employer, source=PlacementSource.DIRECT,
                                     start_date=start, contract_type="fixed", monthly_wage=1_500_000, recorded_at=now)
        for months in FOLLOW_UP_MONTHS:
            due = add_months(start, months)
            done = due <= today
            FollowUp.objects.create(placement=p, months_after=months, due_date=due,
                                    done_at=_at(due) if done else None,
                                    still_employed=(rng.random() < 0.8) if done else None)
        Person.objects.filter(pk=pid).update(status="employed")


def _enrol_upcoming(rng, cohort, skill_ids, area, used) -> int:
    from siee.training.models import Enrolment, EnrolmentChannel, EnrolmentStatus

    pool = _candidates(skill_ids, area, used, 10)
    chosen = pool[: rng.randrange(6, 11)]
    used.update(chosen)
    for k, pid in enumerate(chosen):
        at = _at(timezone.localdate() - dt.timedelta(days=rng.randrange(1, 10)))
        status = EnrolmentStatus.REQUESTED if k % 3 == 0 else EnrolmentStatus.ENROLLED
        Enrolment.objects.create(cohort=cohort, person_id=pid, status=status, requested_at=at,
                                 enrolled_at=at if status == EnrolmentStatus.ENROLLED else None,
                                 channel=EnrolmentChannel.SELF_SERVICE if status == EnrolmentStatus.REQUESTED
                                 else EnrolmentChannel.STAFF)
    return len(chosen)
