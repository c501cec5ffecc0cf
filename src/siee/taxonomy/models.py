"""Occupations (ESCO + ISCO-08), skills, sectors (ISIC Rev.4 / CIIU) and education levels (ISCED 2011)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IscoGroup(models.Model):
    code = models.CharField(_("código CIUO-08"), max_length=4, unique=True)
    label = models.CharField(_("nombre"), max_length=300)
    level = models.PositiveSmallIntegerField()  # 1..4 digits
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        verbose_name = _("grupo CIUO-08")
        verbose_name_plural = _("grupos CIUO-08")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Occupation(models.Model):
    uri = models.CharField(max_length=200, unique=True)
    isco_code = models.CharField(_("CIUO-08"), max_length=4, db_index=True)
    label = models.CharField(_("nombre"), max_length=300)
    alt_labels = models.TextField(blank=True, help_text="one label per line")
    parent_uri = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=20, default="starter")  # starter | esco

    class Meta:
        verbose_name = _("ocupación")
        verbose_name_plural = _("ocupaciones")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class SkillType(models.TextChoices):
    SKILL = "skill", _("Habilidad / competencia")
    KNOWLEDGE = "knowledge", _("Conocimiento")


class Skill(models.Model):
    uri = models.CharField(max_length=200, unique=True)
    label = models.CharField(_("nombre"), max_length=300)
    alt_labels = models.TextField(blank=True)
    skill_type = models.CharField(max_length=20, choices=SkillType.choices, default=SkillType.SKILL)
    reuse_level = models.CharField(max_length=30, blank=True)
    source = models.CharField(max_length=20, default="starter")

    class Meta:
        verbose_name = _("habilidad")
        verbose_name_plural = _("habilidades")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class OccupationSkill(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="occupation_links")
    essential = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill", "essential"], name="occupation_skill_unique")
        ]


class Sector(models.Model):
    """ISIC Rev.4 (CIIU Rev.4 A.C. in Colombia): sections (letter) and divisions (2 digits)."""

    code = models.CharField(_("código CIIU"), max_length=5, unique=True)
    label = models.CharField(_("nombre"), max_length=300)
    level = models.PositiveSmallIntegerField()  # 1 section, 2 division
    section = models.CharField(max_length=1)

    class Meta:
        verbose_name = _("sector económico")
        verbose_name_plural = _("sectores económicos")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class EducationLevel(models.Model):
    """ISCED 2011 level with each country's name for it."""

    code = models.CharField(_("CINE 2011"), max_length=3, unique=True)
    label = models.CharField(_("nombre"), max_length=200)
    rank = models.PositiveSmallIntegerField()
    national_names = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("nivel educativo")
        verbose_name_plural = _("niveles educativos")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.label

    def name_for(self, country: str) -> str:
        return self.national_names.get(country) or self.label
