"""Skills-gap analysis, set-based so that it scales to a city of a million people.

Per territory and period, for every skill:

* demand = Σ posts of the territory's vacancies that require it (× 1) or desire it (× 0.5), over the vacancies open
  during the period or published in it; + the employers' procurement needs (`siee.enterprise`, when present);
  + the business and employment opportunities registered for the territory (expected jobs);
* supply = number of active job seekers of the territory who have the skill;
* gap = demand − supply (positive: a shortage; negative: more people than posts);
* placements_unlocked = Σ over the open vacancies requiring it of min(posts still without a qualified candidate,
  candidates who lack only this skill). A candidate of a vacancy is an active person of the territory who wants
  or has worked in the vacancy's occupation. Counted per vacancy (two vacancies of one occupation may count the
  same person).

Demand and supply are SQL GROUP BY queries on skill ids; placements_unlocked reads id pairs into numpy arrays and
works on per-occupation bit masks of the required skills, so the cost grows with rows read, not people × vacancies.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict

import numpy as np
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from siee.core.errors import ValidationFailed

DESIRED_WEIGHT = 0.5
JOIN_BLOCK = 100_000  # (person, occupation) pairs joined with their skills at a time
RECENT_DAYS = 365
SKILL_URN = "urn:siee:skill:"


def skill_code(uri: str) -> str:
    """Short code of a skill: the slug of the built-in starter skills, the ESCO URI otherwise."""
    return uri[len(SKILL_URN):] if uri.startswith(SKILL_URN) else uri


def parse_period(text: str | None, *, today: dt.date | None = None) -> tuple[dt.date, dt.date, str]:
    """'2026Q3' → (2026-07-01, 2026-09-30); '2026-08' → that month; '2026' → that year; None → the last 365 days."""
    today = today or timezone.localdate()
    if not text:
        return today - dt.timedelta(days=RECENT_DAYS), today, _("últimos 12 meses")
    value = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", value):
        year, q = int(m[1]), int(m[2])
        start = dt.date(year, 3 * q - 2, 1)
        end = dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
    elif m := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise ValidationFailed(_("Mes inválido en el periodo: %(p)s.") % {"p": text}, field="period")
        start, end = dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    elif m := re.fullmatch(r"(\d{4})", value):
        start, end = dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31)
    else:
        raise ValidationFailed(_("Periodo no reconocido: '%(p)s'. Use 2026Q3, 2026-08 o 2026.") % {"p": text},
                               field="period")
    if not 1900 < start.year < 2200:
        raise ValidationFailed(_("Año fuera de rango: %(p)s.") % {"p": text}, field="period")
    return start, end, value


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _vacancies_in(territory_ids: set[int] | None, start: dt.date, end: dt.date):
    """Vacancies that were open during [start, end] or published in it (drafts never count)."""
    from siee.employers.models import Vacancy, VacancyStatus

    qs = Vacancy.objects.exclude(status=VacancyStatus.DRAFT)
    if territory_ids is not None:
        qs = qs.filter(municipality_id__in=territory_ids)
    upto = _aware(end + dt.timedelta(days=1))
    published_in = Q(created_at__gte=_aware(start), created_at__lt=upto)
    open_during = Q(status=VacancyStatus.OPEN, created_at__lt=upto) & (Q(closing_date__isnull=True) |
                                                                       Q(closing_date__gte=start))
    return qs.filter(published_in | open_during)


def open_vacancies(territory_ids: set[int] | None, today: dt.date | None = None):
    from siee.employers.models import Vacancy, VacancyStatus

    today = today or timezone.localdate()
    qs = Vacancy.objects.filter(status=VacancyStatus.OPEN).exclude(closing_date__lt=today)
    if territory_ids is not None:
        qs = qs.filter(municipality_id__in=territory_ids)
    return qs


def vacancy_demand(territory_ids: set[int] | None, start: dt.date, end: dt.date) -> dict[int, float]:
    from siee.employers.models import VacancySkill

    vacancies = _vacancies_in(territory_ids, start, end).values("pk")
    out: dict[int, float] = defaultdict(float)
    rows = (VacancySkill.objects.filter(vacancy__in=vacancies).values("skill_id", "required")
            .annotate(posts=Sum("vacancy__posts")).values_list("skill_id", "required", "posts"))
    for skill_id, required, posts in rows:
        out[skill_id] += float(posts or 0) * (1.0 if required else DESIRED_WEIGHT)
    return dict(out)


def procurement_demand(territory_ids: set[int] | None, start: dt.date, end: dt.date) -> dict[int, float]:
    """Employers' procurement needs, from the enterprise app when it provides them; nothing otherwise."""
    try:
        from siee.enterprise.services import procurement_skill_demand
    except (ImportError, AttributeError):
        return {}
    try:
        return {int(k): float(v) for k, v in (procurement_skill_demand(territory_ids=territory_ids, start=start,
                                                                       end=end) or {}).items()}
    except (AttributeError, NotImplementedError):
        return {}


def opportunity_demand(territory_ids: set[int] | None, start: dt.date, end: dt.date) -> dict[int, float]:
    """Expected jobs of the opportunities registered for the territory and valid in the period, per skill."""
    from siee.training.models import Opportunity

    qs = Opportunity.objects.filter(valid_from__lte=end).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    if territory_ids is not None:
        qs = qs.filter(territory_id__in=territory_ids)
    out: dict[int, float] = defaultdict(float)
    for skill_id, jobs in qs.values_list("skills__id", "expected_jobs"):
        if skill_id is not None:
            out[skill_id] += float(jobs or 0)
    return dict(out)


def _active_people(territory_ids: set[int] | None):
    from siee.people.models import Person, PersonStatus

    qs = Person.objects.filter(status=PersonStatus.ACTIVE)
    if territory_ids is not None:
        qs = qs.filter(municipality_id__in=territory_ids)
    return qs


def skill_supply(territory_ids: set[int] | None) -> dict[int, int]:
    from django.db.models import Count

    from siee.people.models import PersonSkill, PersonStatus

    qs = PersonSkill.objects.filter(person__status=PersonStatus.ACTIVE)
    if territory_ids is not None:
        qs = qs.filter(person__municipality_id__in=territory_ids)
    return dict(qs.values("skill_id").annotate(n=Count("id")).values_list("skill_id", "n"))


# --- placements unlocked -------------------------------------------------------------------------------------

def _pairs(qs, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    """Two integer columns of a queryset as numpy arrays, read in chunks (no model instances)."""
    left, right = [], []
    batch_a, batch_b = [], []
    for x, y in qs.values_list(a, b).iterator(chunk_size=20_000):
        batch_a.append(x)
        batch_b.append(y)
        if len(batch_a) >= 200_000:
            left.append(np.array(batch_a, dtype=np.int64))
            right.append(np.array(batch_b, dtype=np.int64))
            batch_a, batch_b = [], []
    left.append(np.array(batch_a, dtype=np.int64))
    right.append(np.array(batch_b, dtype=np.int64))
    return np.concatenate(left), np.concatenate(right)


def placements_unlocked(territory_ids: set[int] | None, *, today: dt.date | None = None) -> dict[int, int]:
    """Skill id → placements that closing it would unlock (see the module docstring)."""
    from siee.employers.models import VacancySkill
    from siee.people.models import Experience, Person, PersonSkill

    vacancies = open_vacancies(territory_ids, today)
    vac_rows = list(vacancies.values_list("pk", "occupation_id", "posts"))
    if not vac_rows:
        return {}
    req: dict[int, list[int]] = defaultdict(list)
    v_ids, s_ids = _pairs(VacancySkill.objects.filter(vacancy__in=vacancies.values("pk"), required=True),
                          "vacancy_id", "skill_id")
    for v, s in zip(v_ids.tolist(), s_ids.tolist(), strict=True):
        req[v].append(s)
    # vacancy groups: occupation -> required skill set -> list of posts
    groups: dict[int, dict[frozenset, list[int]]] = defaultdict(lambda: defaultdict(list))
    for pk, occ, posts in vac_rows:
        skills = req.get(pk)
        if skills:
            groups[occ][frozenset(skills)].append(int(posts or 1))
    if not groups:
        return {}
    union: dict[int, list[int]] = {o: sorted(set().union(*g.keys())) for o, g in groups.items()}
    n_words = max((len(u) + 63) // 64 for u in union.values())

    people = _active_people(territory_ids).values("pk")
    occs = list(groups)
    through = Person.desired_occupations.through
    # No "IN (occupations)" / "IN (skills)" in SQL: with a person subquery SQLite would probe the composite index
    # once per (person, value) pair; reading the rows and filtering them in numpy is linear.
    d_p, d_o = _pairs(through.objects.filter(person__in=people), "person_id", "occupation_id")
    e_p, e_o = _pairs(Experience.objects.filter(person__in=people, occupation__isnull=False), "person_id",
                      "occupation_id")
    pool_p = np.concatenate([d_p, e_p])
    pool_o = np.concatenate([d_o, e_o])
    keep = np.isin(pool_o, np.array(occs, dtype=np.int64))
    pool_p, pool_o = pool_p[keep], pool_o[keep]
    if pool_p.size == 0:
        return {}
    # dense occupation index and unique (person, occupation) pairs, sorted by person
    occ_index = {o: i for i, o in enumerate(occs)}
    o_dense = np.fromiter((occ_index[o] for o in pool_o.tolist()), dtype=np.int64, count=pool_o.size)
    key = np.unique(pool_p * len(occs) + o_dense)
    pair_p, pair_o = key // len(occs), key % len(occs)

    # (occupation, skill) -> bit, as sorted int64 keys for a vectorised lookup
    all_skills = sorted(set().union(*map(set, union.values())))
    skill_index = {s: i for i, s in enumerate(all_skills)}
    n_sk = len(all_skills)
    bit_keys, bit_vals = [], []
    for o, skills in union.items():
        for bit, s in enumerate(skills):
            bit_keys.append(occ_index[o] * n_sk + skill_index[s])
            bit_vals.append(bit)
    order = np.argsort(bit_keys)
    bit_keys_arr = np.array(bit_keys, dtype=np.int64)[order]
    bit_vals_arr = np.array(bit_vals, dtype=np.int64)[order]

    ps_p, ps_s = _pairs(PersonSkill.objects.filter(person__in=people), "person_id", "skill_id")
    keep = np.isin(ps_s, np.array(all_skills, dtype=np.int64)) & np.isin(ps_p, pair_p)
    ps_p, ps_s = ps_p[keep], ps_s[keep]
    masks = np.zeros((pair_p.size, n_words), dtype=np.uint64)
    if ps_p.size:
        order = np.argsort(ps_p, kind="stable")
        ps_p, ps_s = ps_p[order], ps_s[order]
        s_dense = np.fromiter((skill_index[s] for s in ps_s.tolist()), dtype=np.int64, count=ps_s.size)
        # join pairs (sorted by person) with the person's skills: CSR over ps by person; in blocks of pairs so
        # the temporary arrays of the join stay small
        for b0 in range(0, pair_p.size, JOIN_BLOCK):
            block = slice(b0, min(b0 + JOIN_BLOCK, pair_p.size))
            lo = np.searchsorted(ps_p, pair_p[block], side="left")
            deg = np.searchsorted(ps_p, pair_p[block], side="right") - lo
            total = int(deg.sum())
            if not total:
                continue
            pair_idx = np.repeat(np.arange(b0, block.stop), deg)
            rows = np.arange(total) + np.repeat(lo - np.concatenate([[0], np.cumsum(deg)[:-1]]), deg)
            k = pair_o[pair_idx] * n_sk + s_dense[rows]
            pos = np.minimum(np.searchsorted(bit_keys_arr, k), bit_keys_arr.size - 1)
            hit = bit_keys_arr[pos] == k
            pair_idx, bits = pair_idx[hit], bit_vals_arr[pos[hit]]
            for w in range(n_words):
                sel = (bits // 64) == w
                np.bitwise_or.at(masks[:, w], pair_idx[sel],
                                 np.left_shift(np.uint64(1), (bits[sel] % 64).astype(np.uint64)))

    unlocked: dict[int, int] = defaultdict(int)
    order = np.argsort(pair_o, kind="stable")
    bounds = np.searchsorted(pair_o[order], np.arange(len(occs) + 1))
    for oi, o in enumerate(occs):
        members = order[bounds[oi]:bounds[oi + 1]]
        if members.size == 0:
            continue
        uniq, counts = np.unique(masks[members], axis=0, return_counts=True)
        skills = union[o]
        bit_of = {s: b for b, s in enumerate(skills)}
        for rset, posts_list in groups[o].items():
            r = np.zeros(n_words, dtype=np.uint64)
            for s in rset:
                b = bit_of[s]
                r[b // 64] |= np.uint64(1) << np.uint64(b % 64)
            missing = r & ~uniq  # required bits each distinct profile lacks
            pop = np.bitwise_count(missing).sum(axis=1)
            qualified = int(counts[pop == 0].sum())
            one = pop == 1
            if not one.any():
                continue
            miss1 = missing[one]
            word = np.argmax(miss1 != 0, axis=1)
            value = miss1[np.arange(miss1.shape[0]), word]
            bit = word * 64 + np.log2(value.astype(np.float64)).astype(np.int64)
            near = np.bincount(bit, weights=counts[one], minlength=len(skills))
            for b in np.nonzero(near)[0].tolist():
                n = int(near[b])
                unlocked[skills[b]] += sum(min(max(0, posts - qualified), n) for posts in posts_list)
    return dict(unlocked)


# --- the ranked list ------------------------------------------------------------------------------------------

def compute_skill_gaps(*, territory_ids: set[int] | None, start: dt.date, end: dt.date, top: int | None = None,
                       today: dt.date | None = None, order: str = "gap") -> list[dict]:
    """Ranked skill gaps of a territory: one dict per demanded skill, by gap (or placements unlocked) descending."""
    from siee.taxonomy.models import Skill

    vac = vacancy_demand(territory_ids, start, end)
    proc = procurement_demand(territory_ids, start, end)
    opp = opportunity_demand(territory_ids, start, end)
    demanded = set(vac) | set(proc) | set(opp)
    if not demanded:
        return []
    supply = skill_supply(territory_ids)
    unlocked = placements_unlocked(territory_ids, today=today)
    labels = {pk: (uri, label) for pk, uri, label in Skill.objects.filter(pk__in=demanded).values_list("pk", "uri", "label")}
    rows = []
    for pk in demanded:
        demand = vac.get(pk, 0.0) + proc.get(pk, 0.0) + opp.get(pk, 0.0)
        uri, label = labels.get(pk, ("", ""))
        rows.append({
            "skill_id": pk, "skill": skill_code(uri), "uri": uri, "label": label,
            "demand": round(demand, 2), "supply": int(supply.get(pk, 0)), "gap": round(demand - supply.get(pk, 0), 2),
            "placements_unlocked": int(unlocked.get(pk, 0)),
            "demand_parts": {"vacancies": round(vac.get(pk, 0.0), 2), "procurement": round(proc.get(pk, 0.0), 2),
                             "opportunities": round(opp.get(pk, 0.0), 2)},
        })
    if order == "placements":
        rows.sort(key=lambda r: (-r["placements_unlocked"], -r["gap"], r["label"]))
    else:
        rows.sort(key=lambda r: (-r["gap"], -r["placements_unlocked"], r["label"]))
    return rows[:top] if top else rows
