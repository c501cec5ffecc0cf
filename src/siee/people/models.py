"""Job seekers and beneficiaries: identity, socio-labour profile, characterization and consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siee.core.models import Organization, Territory
from siee.taxonomy.models import EducationLevel, Occupation, Skill


class DocumentType(models.TextChoices):
    CC = "CC", _("Cédula de ciudadanía (CO)")
    CE = "CE", _("Cédula de extranjería (CO)")
    TI = "TI", _("Tarjeta de identidad (CO)")
    PPT = "PPT", _("Permiso por Protección Temporal (CO)")
    PEP = "PEP", _("Permiso Especial de Permanencia (CO)")
    RUN = "RUN", _("RUN / cédula de identidad (CL)")
    CI_EC = "CI_EC", _("Cédula de identidad (EC)")
    VISA_EC = "VISA_EC", _("Visa de residencia (EC)")
    DNI = "DNI", _("DNI (PE)")
    CPP = "CPP", _("Carné de Permiso Temporal de Permanencia (PE)")
    CE_PE = "CE_PE", _("Carné de extranjería (PE)")
    PASSPORT = "PASSPORT", _("Pasaporte")
    CI_VE = "CI_VE", _("Cédula venezolana")
    OTHER = "OTHER", _("Otro")


FOREIGN_DOCUMENTS = {"CE", "PPT", "PEP", "VISA_EC", "CPP", "CE_PE", "PASSPORT", "CI_VE"}


class Sex(models.TextChoices):
    FEMALE = "F", _("Mujer")
    MALE = "M", _("Hombre")
    INTERSEX = "I", _("Intersexual")
    UNDISCLOSED = "X", _("Prefiere no decir")


class MigrationStatus(models.TextChoices):
    NATIONAL = "national", _("Nacional / comunidad de acogida")
    REGULAR = "regular", _("Migrante regular")
    IN_PROCESS = "in_process", _("Migrante con regularización en trámite")
    IRREGULAR = "irregular", _("Migrante sin documentos")
    REFUGEE = "refugee", _("Refugiado / solicitante de asilo")
    RETURNEE = "returnee", _("Colombiano/a retornado/a")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Activa, buscando empleo")
    EMPLOYED = "employed", _("Empleada")
    INACTIVE = "inactive", _("Inactiva")
    MERGED = "merged", _("Fusionada en otro registro")


class Availability(models.TextChoices):
    IMMEDIATE = "immediate", _("Inmediata")
    TWO_WEEKS = "two_weeks", _("En dos semanas")
    ONE_MONTH = "one_month", _("En un mes o más")
    NOT_AVAILABLE = "not_available", _("No disponible")


class Barrier(models.TextChoices):
    DOCUMENTS = "documents", _("Documentación")
    CHILDCARE = "childcare", _("Cuidado de hijos/as o personas")
    DEGREE_RECOGNITION = "degree_recognition", _("Convalidación de títulos")
    DIGITAL_ACCESS = "digital_access", _("Acceso digital")
    TRANSPORT = "transport", _("Transporte")
    DISCRIMINATION = "discrimination", _("Discriminación / xenofobia")
    HEALTH = "health", _("Salud")
    LANGUAGE = "language", _("Idioma")
    HOUSING = "housing", _("Vivienda")


class Person(models.Model):
    # Identity
    first_names = models.CharField(_("nombres"), max_length=120)
    last_names = models.CharField(_("apellidos"), max_length=120)
    document_type = models.CharField(_("tipo de documento"), max_length=10, choices=DocumentType.choices)
    document_number = models.CharField(_("número de documento"), max_length=30)
    nationality = models.CharField(_("nacionalidad"), max_length=2, default="CO", help_text=_("Código ISO de dos letras"))
    birth_date = models.DateField(_("fecha de nacimiento"))
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices)
    gender_identity = models.CharField(_("identidad de género"), max_length=60, blank=True)
    phone = models.CharField(_("teléfono"), max_length=30, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=30, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    address = models.CharField(_("dirección"), max_length=200, blank=True)
    municipality = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="people", verbose_name=_("municipio"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="people")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person")

    # Socio-labour profile
    education_level = models.ForeignKey(EducationLevel, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("nivel educativo"))
    status = models.CharField(_("estado"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.ACTIVE)
    availability = models.CharField(_("disponibilidad"), max_length=20, choices=Availability.choices, default=Availability.IMMEDIATE)
    expected_wage = models.PositiveIntegerField(_("aspiración salarial mensual"), null=True, blank=True)
    willing_to_relocate = models.BooleanField(_("dispuesta a trasladarse"), default=False)
    max_hours_per_week = models.PositiveSmallIntegerField(_("horas semanales que puede trabajar (máximo)"), null=True, blank=True)
    desired_occupations = models.ManyToManyField(Occupation, blank=True, related_name="+", verbose_name=_("ocupaciones deseadas"))
    interests = models.TextField(_("intereses"), blank=True)
    languages = models.CharField(_("idiomas"), max_length=200, blank=True, help_text=_("p. ej. es:nativo, en:básico"))

    # Migration and vulnerability (sensitive: restricted and audited)
    migration_status = models.CharField(_("estatus migratorio"), max_length=20, choices=MigrationStatus.choices, default=MigrationStatus.NATIONAL)
    arrival_date = models.DateField(_("fecha de llegada al país"), null=True, blank=True)
    household_size = models.PositiveSmallIntegerField(_("personas en el hogar"), null=True, blank=True)
    disability = models.BooleanField(_("persona con discapacidad"), default=False)
    disability_type = models.CharField(_("tipo de discapacidad"), max_length=100, blank=True)
    ethnicity = models.CharField(_("autorreconocimiento étnico"), max_length=60, blank=True)
    conflict_victim = models.BooleanField(_("víctima del conflicto armado"), default=False)
    barriers = models.JSONField(_("barreras"), default=list, blank=True)

    registered_at = models.DateTimeField(_("fecha de registro"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_records")
    name_key = models.CharField(max_length=250, db_index=True, editable=False, default="")

    SENSITIVE_FIELDS = (
        "migration_status", "arrival_date", "household_size", "disability", "disability_type",
        "ethnicity", "conflict_victim", "barriers",
    )

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        ordering = ["last_names", "first_names"]
        constraints = [
            models.UniqueConstraint(fields=["document_type", "document_number"], name="person_document_unique")
        ]
        indexes = [models.Index(fields=["municipality", "status"]), models.Index(fields=["birth_date"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_names}".strip()

    @property
    def is_migrant(self) -> bool:
        return self.migration_status not in ("national", "returnee")

    def has_consent(self) -> bool:
        return self.consents.filter(revoked_at__isnull=True).exists()


class Consent(models.Model):
    """Habeas data authorization: purpose-bound, versioned, dated."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("finalidad"), max_length=60, default="employment_services")
    granted_at = models.DateTimeField(_("fecha"))
    channel = models.CharField(_("canal"), max_length=20, default="in_person")
    text_version = models.CharField(_("versión del texto"), max_length=20, default="v1")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("autorización de datos")
        verbose_name_plural = _("autorizaciones de datos")


class Education(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="education")
    level = models.ForeignKey(EducationLevel, on_delete=models.PROTECT, verbose_name=_("nivel"))
    title = models.CharField(_("título"), max_length=200, blank=True)
    institution = models.CharField(_("institución"), max_length=200, blank=True)
    country = models.CharField(_("país"), max_length=2, default="CO")
    year = models.PositiveSmallIntegerField(_("año"), null=True, blank=True)
    recognized = models.BooleanField(_("convalidado en el país"), default=False)


class ExperienceKind(models.TextChoices):
    FORMAL = "formal", _("Formal")
    INFORMAL = "informal", _("Informal")
    SELF_EMPLOYED = "self_employed", _("Independiente")


class Experience(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="experience")
    occupation = models.ForeignKey(Occupation, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("ocupación"))
    description = models.CharField(_("cargo u oficio (como lo dice la persona)"), max_length=300)
    employer_name = models.CharField(_("empleador"), max_length=200, blank=True)
    country = models.CharField(_("país"), max_length=2, default="CO")
    start_date = models.DateField(_("inicio"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("meses"), null=True, blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=ExperienceKind.choices, default=ExperienceKind.FORMAL)

    @property
    def duration_months(self) -> int:
        if self.months is not None:
            return self.months
        if self.start_date:
            from django.utils import timezone

            end = self.end_date or timezone.localdate()
            return max(0, (end.year - self.start_date.year) * 12 + end.month - self.start_date.month)
        return 0


class SkillLevel(models.TextChoices):
    BASIC = "basic", _("Básico")
    INTERMEDIATE = "intermediate", _("Intermedio")
    ADVANCED = "advanced", _("Avanzado")


class PersonSkill(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT)
    level = models.CharField(_("nivel"), max_length=20, choices=SkillLevel.choices, default=SkillLevel.INTERMEDIATE)
    certified = models.BooleanField(_("certificada"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "skill"], name="person_skill_unique")]


class PersonEvent(models.Model):
    """Timeline of a person's record (Saleor's OrderEvent pattern)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
