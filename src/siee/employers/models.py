"""Employers and their vacancies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siee.core.models import Organization, Territory
from siee.taxonomy.models import EducationLevel, Occupation, Sector, Skill


class EmployerSize(models.TextChoices):
    MICRO = "micro", _("Microempresa (1-10)")
    SMALL = "small", _("Pequeña (11-50)")
    MEDIUM = "medium", _("Mediana (51-200)")
    LARGE = "large", _("Grande (más de 200)")


class Employer(models.Model):
    name = models.CharField(_("razón social"), max_length=200)
    tax_id = models.CharField(_("NIT / RUT / RUC"), max_length=30)
    country = models.CharField(_("país"), max_length=2, default="CO")
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("sector (CIIU)"))
    size = models.CharField(_("tamaño"), max_length=10, choices=EmployerSize.choices, default=EmployerSize.MICRO)
    contact_name = models.CharField(_("persona de contacto"), max_length=150, blank=True)
    phone = models.CharField(_("teléfono"), max_length=30, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    address = models.CharField(_("dirección"), max_length=200, blank=True)
    municipality = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="employers", verbose_name=_("municipio"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="employers")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="employers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("empleador")
        verbose_name_plural = _("empleadores")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["country", "tax_id"], name="employer_tax_id_unique")]

    def __str__(self) -> str:
        return self.name


class ContractType(models.TextChoices):
    INDEFINITE = "indefinite", _("Término indefinido")
    FIXED = "fixed", _("Término fijo")
    WORK = "work", _("Obra o labor")
    SERVICES = "services", _("Prestación de servicios")
    APPRENTICESHIP = "apprenticeship", _("Aprendizaje")
    TEMPORARY = "temporary", _("Temporal")


class VacancyStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    OPEN = "open", _("Abierta")
    FILLED = "filled", _("Cubierta")
    CLOSED = "closed", _("Cerrada")


class Vacancy(models.Model):
    code = models.CharField(_("código"), max_length=40, unique=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("empleador"))
    title = models.CharField(_("cargo (como lo escribe el empleador)"), max_length=200)
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("ocupación"))
    description = models.TextField(_("descripción"), blank=True)
    skills = models.ManyToManyField(Skill, through="VacancySkill", blank=True, related_name="vacancies")
    education_level = models.ForeignKey(EducationLevel, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("nivel educativo mínimo"))
    experience_months = models.PositiveSmallIntegerField(_("experiencia requerida (meses)"), default=0)
    wage_min = models.PositiveIntegerField(_("salario mínimo ofrecido"), null=True, blank=True)
    wage_max = models.PositiveIntegerField(_("salario máximo ofrecido"), null=True, blank=True)
    currency = models.CharField(_("moneda"), max_length=3, default="COP")
    contract_type = models.CharField(_("tipo de contrato"), max_length=20, choices=ContractType.choices, default=ContractType.INDEFINITE)
    hours_per_week = models.PositiveSmallIntegerField(_("horas por semana"), default=48)
    posts = models.PositiveSmallIntegerField(_("número de puestos"), default=1)
    municipality = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("municipio"))
    closing_date = models.DateField(_("fecha de cierre"), null=True, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=VacancyStatus.choices, default=VacancyStatus.OPEN)
    open_to_migrants = models.BooleanField(_("abierta a personas migrantes"), default=True)
    open_to_disability = models.BooleanField(_("abierta a personas con discapacidad"), default=True)
    published = models.BooleanField(_("publicada en el portal público"), default=True)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="vacancies")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vacante")
        verbose_name_plural = _("vacantes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wage_max__isnull=True) | models.Q(wage_min__isnull=True) | models.Q(wage_max__gte=models.F("wage_min")),
                name="vacancy_wage_range_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.employer})"


class VacancySkill(models.Model):
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT)
    required = models.BooleanField(_("requerida"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vacancy", "skill"], name="vacancy_skill_unique")]
