"""Shared row-validation machinery: preloaded lookup maps so that validating 100k rows needs no queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from siee.lib.text import fold


@dataclass
class RowError:
    row: int | None
    field: str
    reason: str
    value: str = ""


@dataclass
class ReferenceMaps:
    """Codes resolved in memory. Build once per import (or per request) with `ReferenceMaps.load()`."""

    territories: dict[str, int] = field(default_factory=dict)  # "68001", "CO-68001" -> id (municipal levels)
    territory_codes: dict[int, str] = field(default_factory=dict)  # id -> "CO-68001"
    education: dict[str, int] = field(default_factory=dict)  # code or folded national name -> id
    education_codes: dict[int, str] = field(default_factory=dict)
    occupations: dict[str, int] = field(default_factory=dict)  # uri -> id
    occupation_uris: dict[int, str] = field(default_factory=dict)
    skills: dict[str, int] = field(default_factory=dict)
    skill_uris: dict[int, str] = field(default_factory=dict)
    sectors: dict[str, int] = field(default_factory=dict)
    sector_codes: dict[int, str] = field(default_factory=dict)
    scope: set[int] | None = None  # territory ids the actor may write to; None = unrestricted

    @classmethod
    def load(cls, *, scope: set[int] | None = None, skills: bool = False) -> ReferenceMaps:
        from django.conf import settings

        from siee.core.models import Territory
        from siee.taxonomy.models import EducationLevel, Occupation, Sector, Skill

        maps = cls(scope=scope)
        default_country = settings.DEFAULT_COUNTRY
        rows = Territory.objects.filter(level__in=[2, 3]).values_list("id", "country", "code")
        for pk, country, code in rows:
            key = f"{country}-{code}"
            maps.territories[key] = pk
            maps.territory_codes[pk] = key
            if country == default_country or code not in maps.territories:
                maps.territories[code] = pk
        for pk, code, label, names in EducationLevel.objects.values_list("id", "code", "label", "national_names"):
            maps.education[code] = pk
            maps.education[fold(label)] = pk
            for name in (names or {}).values():
                maps.education.setdefault(fold(name), pk)
            maps.education_codes[pk] = code
        for pk, uri in Occupation.objects.values_list("id", "uri"):
            maps.occupations[uri] = pk
            maps.occupation_uris[pk] = uri
        for pk, code in Sector.objects.values_list("id", "code"):
            maps.sectors[code] = pk
            maps.sector_codes[pk] = code
        if skills:
            for pk, uri in Skill.objects.values_list("id", "uri"):
                maps.skills[uri] = pk
                maps.skill_uris[pk] = uri
        return maps

    def territory_id(self, code) -> int | None:
        if code is None:
            return None
        text = str(code).strip()
        if text.isdigit() and len(text) == 4:  # spreadsheets drop the leading zero of "05001"
            text = text.zfill(5)
        return self.territories.get(text) or self.territories.get(text.upper())
