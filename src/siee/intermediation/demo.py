"""Demo history: applications, shortlists, referrals, employer feedback, placements and follow-ups over the last
months, for the people and vacancies already in the database.

    generate_history(seed=1, months=24)
    generate_history(seed=1, months=24, intensity=10)  # a denser history: up to 10x more candidates per vacancy

`intensity` (default 1, also read from the environment variable SIEE_DEMO_HISTORY_INTENSITY, so `siee demo` can
use it) multiplies the number of candidates considered per vacancy (1-6 at intensity 1, 1-60 at 10): more
applications and referrals, and more placements and follow-ups where the vacancy has posts left. Intensity 1 gives
exactly the history it always gave. At 200,000 vacancies and 1,000,000 people, intensity 10 gives 5.3 million
referrals, placements and follow-ups (see docs/observatory-engine.md).

Reproducible: the same seed on the same database and day gives the same rows. Only adds: vacancies that already
have applications or referrals are left alone, so running it twice does not duplicate anything. Fast: everything
is read once into memory (ids and a few columns), generated in Python and written in chunks with explicit ids
through the foundation's bulk writer (executemany on SQLite, COPY on PostgreSQL); no query per record.

The scores stored on demo referrals are synthetic (engine_version "demo-history"), not the engine's.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from siee.intermediation.models import (
    FOLLOW_UP_MONTHS,
    Application,
    ApplicationChannel,
    ApplicationStatus,
    FollowUp,
    IntermediationEvent,
    Placement,
    PlacementSource,
    Referral,
    ReferralStatus,
    RejectionReason,
    ShortlistEntry,
)
from siee.intermediation.services import add_months

DEMO_ENGINE_VERSION = "demo-history"
SCANNED_KIND = "demo_history_scanned"  # marker event: the demo history considered every vacancy up to this id
MINIMUM_WAGE_COP = 1_423_500
CHUNK_VACANCIES = 2000
# (outcome, weight) of a referral once the employer has answered
OUTCOMES = (("rejected_after_interview", 40), ("hired", 22), ("interviewed", 8), ("rejected", 17),
            ("withdrawn", 5), ("referred", 8))
REJECTION_WEIGHTS = ((RejectionReason.EXPERIENCE, 22), (RejectionReason.PROFILE_MISMATCH, 18),
                     (RejectionReason.SKILLS, 14), (RejectionReason.WAGE, 10), (RejectionReason.NO_SHOW, 12),
                     (RejectionReason.SCHEDULE, 8), (RejectionReason.DOCUMENTS, 6),
                     (RejectionReason.CANDIDATE_DECLINED, 6), (RejectionReason.POSITION_FILLED, 4))
STILL_EMPLOYED = {1: 0.92, 3: 0.84, 6: 0.74, 12: 0.63}  # share still employed at each follow-up
PREVIOUS = {1: None, 3: 1, 6: 3, 12: 6}
FOLLOW_UP_DONE = 0.82  # share of due follow-ups that the counsellors actually did


def _weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """An office-hours moment of that day, aware in the current time zone."""
    minutes = 8 * 60 + int(rng.random() * 9 * 60)
    tz = _TZ.get("tz")
    if tz is None:
        tz = _TZ["tz"] = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=tz)


_TZ: dict = {}


def _load(today: dt.date):
    from siee.core.models import Role, Territory, User
    from siee.employers.models import Vacancy
    from siee.people.models import Consent, Experience, Person, PersonStatus

    busy = Exists(Application.objects.filter(vacancy=OuterRef("pk"))) | Exists(Referral.objects.filter(vacancy=OuterRef("pk")))
    # A vacancy an earlier run already considered is never considered again, even when it got no candidates then
    # (the people it could have drawn change once the first run hires some of them).
    scanned = 0
    for params in IntermediationEvent.objects.filter(kind=SCANNED_KIND).values_list("params", flat=True):
        scanned = max(scanned, int(params.get("through_vacancy") or 0))
    vacancies = list(Vacancy.objects.filter(pk__gt=scanned).exclude(busy).exclude(status="draft").order_by("pk").values_list(
        "pk", "occupation_id", "municipality_id", "posts", "status", "contract_type", "wage_min", "wage_max",
        "hours_per_week", "employer_id", "organization_id"))
    parent = dict(Territory.objects.filter(level__gte=2).values_list("pk", "parent_id"))
    consent = Consent.objects.filter(person=OuterRef("pk"), revoked_at__isnull=True)
    people: dict[int, int] = {}
    org_of: dict[int, int] = {}
    for pk, muni, org in (Person.objects.filter(status=PersonStatus.ACTIVE).filter(Exists(consent)).order_by("pk")
                          .values_list("pk", "municipality_id", "organization_id").iterator(chunk_size=20_000)):
        people[pk] = muni
        if org is not None:
            org_of[pk] = org
    by_area: dict[int, list[int]] = defaultdict(list)
    for pk, muni in people.items():
        by_area[parent.get(muni, muni)].append(pk)
    by_occ_area: dict[tuple[int, int], list[int]] = defaultdict(list)
    seen = set()
    for occ, pk in Experience.objects.filter(occupation_id__isnull=False).order_by("person_id", "id").values_list(
            "occupation_id", "person_id"):
        muni = people.get(pk)
        if muni is None or (occ, pk) in seen:
            continue
        seen.add((occ, pk))
        by_occ_area[(occ, parent.get(muni, muni))].append(pk)
    staff: dict[int | None, dict[str, list[int]]] = defaultdict(lambda: {"counsellor": [], "officer": []})
    for pk, role, org in User.objects.filter(is_active=True, organization__isnull=False).order_by("pk").values_list(
            "pk", "role", "organization_id"):
        if role == Role.COUNSELLOR:
            staff[org]["counsellor"].append(pk)
        if role in (Role.INTERMEDIATION_OFFICER, Role.COUNSELLOR):
            staff[org]["officer"].append(pk)
    return vacancies, parent, people, org_of, by_area, by_occ_area, staff


def history_intensity(value: float | None = None) -> float:
    """The given intensity, else SIEE_DEMO_HISTORY_INTENSITY, else 1 (a positive number; bad values fail loudly)."""
    if value is None:
        raw = os.environ.get("SIEE_DEMO_HISTORY_INTENSITY", "").strip()
        value = float(raw) if raw else 1.0
    if not value > 0:
        raise ValueError(f"history intensity must be positive, not {value!r}")
    return float(value)


def generate_history(*, seed: int, months: int = 24, progress: bool = False, today: dt.date | None = None,
                     intensity: float | None = None) -> dict:
    """Add a reproducible intermediation history. Returns counts of what was created and the seconds taken.
    `intensity` multiplies the candidates considered per vacancy (see the module docstring)."""
    from siee.core.imports import allocate_ids, insert_rows, reset_sequences
    from siee.employers.models import Vacancy, VacancyStatus
    from siee.people.models import Person, PersonStatus

    started = time.perf_counter()
    intensity = history_intensity(intensity)
    today = today or timezone.localdate()
    rng = random.Random(f"siee-history-{seed}")
    vacancies, parent, people, org_of, by_area, by_occ_area, staff = _load(today)
    span = max(1, int(months * 30.4))
    stats = {"vacancies": 0, "applications": 0, "shortlisted": 0, "referrals": 0, "hired": 0, "placements": 0,
             "follow_ups": 0, "follow_ups_done": 0, "follow_ups_overdue": 0, "vacancies_filled": 0}
    hired_people: set[int] = set()
    employed: dict[int, bool] = {}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(vacancies), desc="historial", unit=" vacantes", disable=None, mininterval=0.5)
    try:
        for start in range(0, len(vacancies), CHUNK_VACANCIES):
            chunk = vacancies[start:start + CHUNK_VACANCIES]
            rows = _generate_chunk(chunk, seed=f"siee-history-{seed}", today=today, span=span, parent=parent, people=people,
                                   org_of=org_of, by_area=by_area, by_occ_area=by_occ_area, staff=staff,
                                   hired_people=hired_people, employed=employed, stats=stats, intensity=intensity)
            with transaction.atomic():
                app_ids = allocate_ids(Application, len(rows["applications"]))
                app_id_of = {}
                app_rows = []
                for pk, row in zip(app_ids, rows["applications"], strict=True):
                    app_id_of[(row[0], row[1])] = pk
                    app_rows.append((pk, *row))
                insert_rows(Application, ("id", "person_id", "vacancy_id", "channel", "status", "created_by_id",
                                          "created_at", "note"), app_rows)
                ref_ids = allocate_ids(Referral, len(rows["referrals"]))
                ref_rows = []
                for pk, row in zip(ref_ids, rows["referrals"], strict=True):
                    row["id"] = pk
                    ref_rows.append((pk, row["person"], row["vacancy"], app_id_of.get((row["person"], row["vacancy"])),
                                     row["by"], row["at"], row["status"], row["score"], row["explanation"],
                                     DEMO_ENGINE_VERSION, 1, row["interviewed_at"], row["decided_at"],
                                     row["reason"], "", row["by"] if row["decided_at"] or row["interviewed_at"] else None, ""))
                insert_rows(Referral, ("id", "person_id", "vacancy_id", "application_id", "referred_by_id", "referred_at",
                                       "status", "score", "explanation", "engine_version", "weights_version",
                                       "interviewed_at", "decided_at", "rejection_reason", "rejection_detail",
                                       "feedback_by_id", "notes"), ref_rows)
                insert_rows(ShortlistEntry, ("vacancy_id", "person_id", "added_by_id", "added_at", "score",
                                             "explanation", "engine_version", "weights_version", "note"),
                            [(r["vacancy"], r["person"], r["by"], r["at"] - dt.timedelta(hours=2), r["score"],
                              r["explanation"], DEMO_ENGINE_VERSION, 1, "") for r in rows["referrals"]])
                placements = [r for r in rows["referrals"] if r.get("placement")]
                pl_ids = allocate_ids(Placement, len(placements))
                pl_rows, fu_rows, events = [], [], []
                for pk, r in zip(pl_ids, placements, strict=True):
                    p = r["placement"]
                    pl_rows.append((pk, r["person"], r["vacancy"], p["employer"], r["id"], PlacementSource.REFERRAL,
                                    p["start"], p["contract"], p["wage"], p["formal"], p["hours"], r["by"],
                                    _at(p["start"], rng) if p["start"] <= today else r["decided_at"]))
                    for f in p["follow_ups"]:
                        fu_rows.append((pk, *f))
                    events.append((p["recorded_at"], "placed", r["by"], r["person"], r["vacancy"], r["id"],
                                   {"placement": pk, "start_date": p["start"].isoformat(), "demo": True}))
                for r in rows["referrals"]:
                    events.append((r["at"], "referred", r["by"], r["person"], r["vacancy"], r["id"],
                                   {"score": r["score"], "demo": True}))
                    if r["interviewed_at"]:
                        events.append((r["interviewed_at"], "feedback_interviewed", r["by"], r["person"], r["vacancy"],
                                       r["id"], {"demo": True}))
                    if r["decided_at"]:
                        events.append((r["decided_at"], f"feedback_{r['status']}", r["by"], r["person"], r["vacancy"],
                                       r["id"], {"reason": r["reason"], "demo": True}))
                insert_rows(Placement, ("id", "person_id", "vacancy_id", "employer_id", "referral_id", "source",
                                        "start_date", "contract_type", "monthly_wage", "formal", "hours_per_week",
                                        "recorded_by_id", "recorded_at"), pl_rows)
                insert_rows(FollowUp, ("placement_id", "months_after", "due_date", "assigned_to_id", "done_at",
                                       "done_by_id", "still_employed", "formal", "wage", "notes"), fu_rows)
                insert_rows(IntermediationEvent, ("at", "kind", "actor_id", "person_id", "vacancy_id", "referral_id",
                                                  "params"), events)
                filled = [v for v, n in rows["placed_per_vacancy"].items() if n >= rows["posts"][v]]
                for i in range(0, len(filled), 500):
                    stats["vacancies_filled"] += Vacancy.objects.filter(
                        pk__in=filled[i:i + 500], status__in=(VacancyStatus.OPEN, VacancyStatus.CLOSED)).update(
                        status=VacancyStatus.FILLED)
            if bar is not None:
                bar.update(len(chunk))
        with transaction.atomic():
            now_employed = [pk for pk, still in employed.items() if still]
            for i in range(0, len(now_employed), 500):
                Person.objects.filter(pk__in=now_employed[i:i + 500], status=PersonStatus.ACTIVE).update(
                    status=PersonStatus.EMPLOYED)
        reset_sequences(Application, Referral, Placement)
        if vacancies:
            IntermediationEvent.objects.create(at=timezone.now(), kind=SCANNED_KIND,
                                               params={"through_vacancy": vacancies[-1][0], "seed": seed, "demo": True})
    finally:
        if bar is not None:
            bar.close()
    stats["people_employed"] = sum(1 for still in employed.values() if still)
    stats["seconds"] = time.perf_counter() - started
    return stats


def _generate_chunk(chunk, *, seed, today, span, parent, people, org_of, by_area, by_occ_area, staff,
                    hired_people, employed, stats, intensity: float = 1.0) -> dict:
    applications, referrals = [], []
    placed_per_vacancy: dict[int, int] = defaultdict(int)
    posts_of: dict[int, int] = {}
    for (vid, occ, muni, posts, status, contract, wage_min, wage_max, hours, employer, org) in chunk:
        posts_of[vid] = posts or 1
        # One generator per vacancy: a vacancy's history depends on the seed and the vacancy, not on the order or
        # on which other vacancies are processed (a second run finds the same vacancies without candidates).
        rng = random.Random(f"{seed}-{vid}")
        if rng.random() < 0.12:  # some vacancies never got candidates through the agency
            continue
        area = parent.get(muni, muni)
        pool = by_occ_area.get((occ, area), [])
        fallback = by_area.get(area, [])
        if not pool and not fallback:
            continue
        stats["vacancies"] += 1
        posted = today - dt.timedelta(days=int(rng.random() * span))
        if status == "open" and rng.random() < 0.4:  # many vacancies still open today were posted recently
            posted = today - dt.timedelta(days=int(rng.random() * min(span, 60)))
        officers = staff[org]["officer"] or staff[None]["officer"]
        by = officers[int(rng.random() * len(officers))] if officers else None
        want = 1 + int(rng.random() * 6 * intensity)
        candidates: list[int] = []
        if pool:
            candidates = rng.sample(pool, min(len(pool), want))
        while len(candidates) < want and fallback and len(candidates) < len(fallback):
            pk = fallback[int(rng.random() * len(fallback))]
            if pk not in candidates:
                candidates.append(pk)
        candidates = [pk for pk in candidates if pk not in hired_people]
        n_apps = int(len(candidates) * rng.random())
        for pk in candidates[:n_apps]:
            created = posted + dt.timedelta(days=int(rng.random() * 5))
            channel = ApplicationChannel.SELF_SERVICE if rng.random() < 0.55 else ApplicationChannel.STAFF
            applications.append((pk, vid, channel, ApplicationStatus.REFERRED, None if channel == "self_service" else by,
                                 _at(min(created, today), rng), ""))
            stats["applications"] += 1
        hired_here = 0
        scores = sorted((round(0.45 + rng.random() * 0.5, 4) for _ in candidates), reverse=True)
        for pk, score in zip(candidates, scores, strict=True):
            referred_day = min(today, posted + dt.timedelta(days=3 + int(rng.random() * 12)))
            referral = {"person": pk, "vacancy": vid, "by": by, "at": _at(referred_day, rng), "score": score,
                        "explanation": {"summary": f"Coincidencia {'alta' if score >= 0.7 else 'media'} "
                                                   f"({score * 100:.0f} %) (historial de demostración)."},
                        "status": ReferralStatus.REFERRED, "interviewed_at": None, "decided_at": None, "reason": ""}
            age = (today - referred_day).days
            if age >= 7:
                outcome = _weighted(rng, OUTCOMES)
                if outcome == "hired" and (hired_here >= posts_of[vid] or pk in hired_people):
                    outcome = "rejected_after_interview"
                interview_day = min(today, referred_day + dt.timedelta(days=2 + int(rng.random() * 5)))
                decision_day = min(today, interview_day + dt.timedelta(days=1 + int(rng.random() * 6)))
                if outcome in ("interviewed", "hired", "rejected_after_interview"):
                    referral["interviewed_at"] = _at(interview_day, rng)
                    referral["status"] = ReferralStatus.INTERVIEWED
                if outcome in ("hired", "rejected", "rejected_after_interview", "withdrawn"):
                    referral["decided_at"] = _at(decision_day, rng) + dt.timedelta(hours=1)
                    referral["status"] = {"hired": ReferralStatus.HIRED, "withdrawn": ReferralStatus.WITHDRAWN}.get(
                        outcome, ReferralStatus.REJECTED)
                if referral["status"] == ReferralStatus.REJECTED:
                    referral["reason"] = _weighted(rng, REJECTION_WEIGHTS)
                if outcome == "hired":
                    hired_here += 1
                    hired_people.add(pk)
                    stats["hired"] += 1
                    start = decision_day + dt.timedelta(days=3 + int(rng.random() * 12))
                    if start <= today + dt.timedelta(days=15):
                        low = wage_min or MINIMUM_WAGE_COP
                        high = max(low, wage_max or low)
                        wage = int(round((low + rng.random() * (high - low)) / 1000) * 1000)
                        formal = contract != "services" and rng.random() < 0.9
                        follow_ups, still = _follow_ups(rng, start, today, wage, formal, org_of.get(pk), staff)
                        employed[pk] = still
                        referral["placement"] = {"employer": employer, "start": start, "contract": contract,
                                                 "wage": wage, "formal": formal, "hours": hours or 48,
                                                 "follow_ups": follow_ups, "recorded_at": referral["decided_at"]}
                        placed_per_vacancy[vid] += 1
                        stats["placements"] += 1
                        stats["follow_ups"] += len(follow_ups)
                        stats["follow_ups_done"] += sum(1 for f in follow_ups if f[3] is not None)
                        stats["follow_ups_overdue"] += sum(1 for f in follow_ups if f[3] is None and f[1] < today)
            referrals.append(referral)
            stats["referrals"] += 1
            stats["shortlisted"] += 1
    return {"applications": applications, "referrals": referrals, "placed_per_vacancy": placed_per_vacancy,
            "posts": posts_of}


def _follow_ups(rng, start, today, wage, formal, org, staff) -> tuple[list[tuple], bool]:
    counsellors = staff[org]["counsellor"] or staff[None]["counsellor"]
    assignee = counsellors[int(rng.random() * len(counsellors))] if counsellors else None
    rows = []
    still = True
    for m in FOLLOW_UP_MONTHS:
        due = add_months(start, m)
        done_at = done_by = still_employed = f_formal = f_wage = None
        notes = ""
        if due < today and still and rng.random() < FOLLOW_UP_DONE:
            done_day = min(today, due + dt.timedelta(days=int(rng.random() * 10)))
            done_at, done_by = _at(done_day, rng), assignee
            prev = PREVIOUS[m]
            still_employed = rng.random() < STILL_EMPLOYED[m] / (STILL_EMPLOYED[prev] if prev else 1.0)
            still = still_employed
            f_formal = formal if still_employed else None
            f_wage = int(wage * (1 + 0.01 * int(rng.random() * m))) if still_employed else None
            notes = "" if still_employed else "Ya no trabaja en la empresa."
        elif due < today and not still:
            # after someone left the job, later contacts are still scheduled but marked done as not employed
            done_at, done_by, still_employed = _at(min(today, due), rng), assignee, False
        rows.append((m, due, assignee, done_at, done_by, still_employed, f_formal, f_wage, notes))
    return rows, still
