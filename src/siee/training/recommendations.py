"""Per-person skill gaps and course recommendations, explained.

For a person, the vacancies they "nearly match" are the open vacancies of their agency's territories whose
occupation they want or have worked in, and of which they already have every required skill but one or two.
For each missing skill: in how many of those vacancies it is missing, and which courses teach it. Each course
recommended says which of the person's gaps it closes and which vacancies it would open (the vacancies whose
missing skills it teaches completely).
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from siee.core.selectors import territory_subtree_ids
from siee.people.models import Person
from siee.training.gaps import open_vacancies, skill_code

MAX_MISSING = 2  # "nearly match": at most this many required skills missing


def person_area(person: Person) -> set[int]:
    """Municipalities whose vacancies and courses count for this person: their agency's territories, or their
    own municipality when they have no agency."""
    org = person.organization
    if org is not None:
        ids = territory_subtree_ids(org.territories.all())
        if ids:
            return ids
    return {person.municipality_id}


def person_skill_gaps(person: Person, *, examples: int = 3, courses_per_skill: int = 5,
                      area: set[int] | None = None) -> dict:
    from siee.employers.models import VacancySkill
    from siee.people.models import Experience, PersonSkill
    from siee.taxonomy.models import Skill
    from siee.training.models import Course

    area = area if area is not None else person_area(person)
    have = set(PersonSkill.objects.filter(person=person).values_list("skill_id", flat=True))
    occs = set(person.desired_occupations.values_list("pk", flat=True))
    occs |= set(Experience.objects.filter(person=person, occupation__isnull=False).values_list("occupation_id", flat=True))
    vacancies = {pk: (title, employer, posts) for pk, title, employer, posts in open_vacancies(area).filter(
        occupation_id__in=occs).values_list("pk", "title", "employer__name", "posts")}
    required: dict[int, set[int]] = defaultdict(set)
    for v, s in VacancySkill.objects.filter(vacancy_id__in=list(vacancies), required=True).values_list("vacancy_id", "skill_id"):
        required[v].add(s)
    considered = [v for v in vacancies if required.get(v)]
    qualified, near = [], {}
    for v in considered:
        missing = required[v] - have
        if not missing:
            qualified.append(v)
        elif len(missing) <= MAX_MISSING:
            near[v] = missing
    by_skill: dict[int, list[int]] = defaultdict(list)
    for v, missing in near.items():
        for s in missing:
            by_skill[s].append(v)
    skills = {s.pk: s for s in Skill.objects.filter(pk__in=list(by_skill))}
    today = timezone.localdate()
    course_rows = list(Course.objects.filter(active=True, skill_links__skill_id__in=list(by_skill), territory_id__in=area)
                       .select_related("provider", "territory").distinct())
    course_skills: dict[int, set[int]] = defaultdict(set)
    for c, s in Course.skills.through.objects.filter(course_id__in=[c.pk for c in course_rows]).values_list("course_id", "skill_id"):
        course_skills[c].add(s)
    next_cohort = {}
    for c in course_rows:
        cohort = c.cohorts.filter(status="planned", start_date__gte=today).order_by("start_date", "id").first()
        next_cohort[c.pk] = cohort

    def vac(v):
        title, employer, posts = vacancies[v]
        return {"id": v, "title": title, "employer": employer, "posts": posts}

    def course_brief(c):
        cohort = next_cohort.get(c.pk)
        return {"id": c.pk, "code": c.code, "title": c.title, "provider": c.provider.name, "hours": c.hours,
                "modality": c.get_modality_display(), "cost": c.cost,
                "next_cohort": ({"id": cohort.pk, "name": cohort.name, "start_date": cohort.start_date.isoformat()}
                                if cohort else None)}

    missing_rows = []
    for s, vs in sorted(by_skill.items(), key=lambda kv: (-len(kv[1]), skills[kv[0]].label)):
        teaching = [c for c in course_rows if s in course_skills[c.pk]]
        teaching.sort(key=lambda c: (next_cohort.get(c.pk) is None, c.title))
        missing_rows.append({
            "skill_id": s, "skill": skill_code(skills[s].uri), "label": skills[s].label,
            "vacancies": len(vs), "posts": sum(vacancies[v][2] for v in vs),
            "share_of_vacancies": round(len(vs) / len(considered), 4) if considered else 0.0,
            "vacancy_examples": [vac(v) for v in sorted(vs)[:examples]],
            "courses": [course_brief(c) for c in teaching[:courses_per_skill]],
        })
    recommendations = []
    for c in course_rows:
        taught = course_skills[c.pk]
        closes = [r for r in missing_rows if r["skill_id"] in taught]
        opens = [v for v, missing in near.items() if missing <= taught]
        if not closes:
            continue
        recommendations.append({
            **course_brief(c),
            "closes": [{"skill": r["skill"], "label": r["label"], "vacancies": r["vacancies"]} for r in closes],
            "opens_vacancies": len(opens), "opens_posts": sum(vacancies[v][2] for v in opens),
            "vacancy_examples": [vac(v) for v in sorted(opens)[:examples]],
        })
    recommendations.sort(key=lambda r: (-r["opens_vacancies"], r["next_cohort"] is None,
                                        -sum(x["vacancies"] for x in r["closes"]), r["title"]))
    return {"person_id": person.pk, "vacancies_considered": len(considered), "already_qualified": len(qualified),
            "nearly_matched": len(near), "missing": missing_rows, "recommendations": recommendations}
