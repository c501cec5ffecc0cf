"""schema.org JobPosting (JSON-LD) for a public vacancy: used by the public API and the public HTML page.

Only data that the employer publishes goes in: no contact person, no phone, no e-mail.
"""

from __future__ import annotations

from django.utils import timezone

from siee.employers.models import ContractType

PART_TIME_BELOW_HOURS = 36  # fewer hours per week than this is part-time
_TEMPORARY = {ContractType.FIXED, ContractType.WORK, ContractType.TEMPORARY}


def employment_type(contract_type: str, hours_per_week: int | None) -> list[str]:
    """schema.org employmentType values for a contract type and weekly hours."""
    if contract_type == ContractType.SERVICES:
        return ["CONTRACTOR"]
    base = "PART_TIME" if hours_per_week and hours_per_week < PART_TIME_BELOW_HOURS else "FULL_TIME"
    if contract_type in _TEMPORARY:
        return [base, "TEMPORARY"]
    if contract_type == ContractType.APPRENTICESHIP:
        return [base, "INTERN"]
    return [base]


def _display(name: str) -> str:
    return name.title() if name.isupper() else name


def vacancy_jobposting(vacancy, *, base_url: str = "", url: str | None = None) -> dict:
    """The JSON-LD dict of a vacancy (`json.dumps` it into a `<script type="application/ld+json">`).

    `base_url` (e.g. "https://empleo.example.org") makes `url` absolute when `url` is a path; without
    `url` no address of the page is given.
    """
    employer = vacancy.employer
    municipality = vacancy.municipality
    region = municipality.parent if municipality.parent_id else None
    data: dict = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": vacancy.description or vacancy.title,
        "identifier": {"@type": "PropertyValue", "name": employer.name, "value": vacancy.code},
        "datePosted": timezone.localdate(vacancy.created_at).isoformat(),
        "employmentType": employment_type(vacancy.contract_type, vacancy.hours_per_week),
        "hiringOrganization": {"@type": "Organization", "name": employer.name},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": _display(municipality.name),
                "addressRegion": _display(region.name) if region else "",
                "addressCountry": municipality.country,
            },
        },
        "occupationalCategory": vacancy.occupation.isco_code,
        "totalJobOpenings": vacancy.posts,
        "workHours": f"{vacancy.hours_per_week} horas por semana",
    }
    if vacancy.closing_date:
        data["validThrough"] = vacancy.closing_date.isoformat()
    if vacancy.wage_min is not None or vacancy.wage_max is not None:
        value: dict = {"@type": "QuantitativeValue", "unitText": "MONTH"}
        if vacancy.wage_min is not None:
            value["minValue"] = vacancy.wage_min
        if vacancy.wage_max is not None:
            value["maxValue"] = vacancy.wage_max
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": vacancy.currency, "value": value}
    if vacancy.experience_months:
        data["experienceRequirements"] = {
            "@type": "OccupationalExperienceRequirements", "monthsOfExperience": vacancy.experience_months,
        }
    if vacancy.education_level_id:
        data["educationRequirements"] = {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": vacancy.education_level.name_for(municipality.country),
        }
    skills = [link.skill.label for link in vacancy.skill_links.select_related("skill").order_by("-required", "skill__label")]
    if skills:
        data["skills"] = ", ".join(skills)
    if url:
        data["url"] = url if url.startswith(("http://", "https://")) else base_url.rstrip("/") + url
    return data
