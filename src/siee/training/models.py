"""Training: providers' courses, cohorts with sessions, enrolments with attendance, completion and certification,
the opportunities register (Chile Emprende) and results-linked contracts with providers.

Providers are `siee.core.models.Organization` rows of kind `training_provider`. Written only by
`siee.training.services` (and the demo generator).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siee.core.models import Organization, Territory
from siee.people.models import Person
from siee.taxonomy.models import EducationLevel, Occupation, Sector, Skill


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("Presencial")
    VIRTUAL = "virtual", _("Virtual")
    BLENDED = "blended", _("Mixta")


class Eligibility(models.TextChoices):
    ANYONE = "anyone", _("Toda la población")
    MIGRANTS_AND_HOST = "migrants_and_host", _("Población migrante y comunidad de acogida")
    MIGRANTS = "migrants", _("Solo población migrante")
    WOMEN = "women", _("Mujeres")
    YOUTH = "youth", _("Jóvenes de 18 a 28 años")


class Course(models.Model):
    code = models.CharField(_("código"), max_length=40, unique=True)
    title = models.CharField(_("nombre del curso"), max_length=200)
    description = models.TextField(_("descripción"), blank=True)
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="courses",
                                 verbose_name=_("proveedor de formación"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="managed_courses", verbose_name=_("agencia que lo registra"))
    occupation = models.ForeignKey(Occupation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("ocupación a la que apunta"))
    skills = models.ManyToManyField(Skill, through="CourseSkill", related_name="courses", blank=True)
    hours = models.PositiveSmallIntegerField(_("horas"))
    modality = models.CharField(_("modalidad"), max_length=12, choices=Modality.choices, default=Modality.IN_PERSON)
    schedule = models.CharField(_("horario"), max_length=200, blank=True)
    location = models.CharField(_("lugar"), max_length=200, blank=True)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="courses",
                                  verbose_name=_("municipio"))
    seats = models.PositiveSmallIntegerField(_("cupos por cohorte"), default=25)
    cost = models.PositiveIntegerField(_("costo por participante"), default=0)
    currency = models.CharField(_("moneda"), max_length=3, default="COP")
    certification = models.CharField(_("certificación que otorga"), max_length=200, blank=True)
    prerequisites = models.CharField(_("requisitos previos"), max_length=500, blank=True)
    min_education = models.ForeignKey(EducationLevel, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("nivel educativo mínimo"))
    eligibility = models.CharField(_("población objetivo"), max_length=20, choices=Eligibility.choices,
                                   default=Eligibility.ANYONE)
    opportunity = models.ForeignKey("Opportunity", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="courses", verbose_name=_("oportunidad que atiende"))
    published = models.BooleanField(_("publicado en la página pública"), default=True)
    active = models.BooleanField(_("activo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("curso")
        verbose_name_plural = _("cursos")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class CourseSkill(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "skill"], name="course_skill_unique")]


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("Programada (inscripciones abiertas)")
    RUNNING = "running", _("En curso")
    FINISHED = "finished", _("Finalizada")
    CANCELLED = "cancelled", _("Cancelada")


class Cohort(models.Model):
    """An edition of a course, with its own dates, seats and (optionally) the results contract that pays it."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("curso"))
    name = models.CharField(_("nombre de la cohorte"), max_length=120)
    start_date = models.DateField(_("inicio"))
    end_date = models.DateField(_("fin"))
    seats = models.PositiveSmallIntegerField(_("cupos"))
    status = models.CharField(_("estado"), max_length=12, choices=CohortStatus.choices, default=CohortStatus.PLANNED)
    contract = models.ForeignKey("ResultsContract", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="cohorts", verbose_name=_("contrato con pago por resultados"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohorte")
        verbose_name_plural = _("cohortes")
        ordering = ["start_date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                              name="cohort_dates_ordered")]

    def __str__(self) -> str:
        return f"{self.course.title} · {self.name}"


class Session(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("número"))
    date = models.DateField(_("fecha"))
    topic = models.CharField(_("tema"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sesión")
        verbose_name_plural = _("sesiones")
        ordering = ["cohort", "number"]
        constraints = [models.UniqueConstraint(fields=["cohort", "number"], name="session_cohort_number_unique")]


class EnrolmentStatus(models.TextChoices):
    REQUESTED = "requested", _("Solicitud en línea (por confirmar)")
    ENROLLED = "enrolled", _("Inscrita")
    WAITLISTED = "waitlisted", _("En lista de espera")
    COMPLETED = "completed", _("Finalizó el curso")
    DROPPED = "dropped", _("Desertó / se retiró")
    REJECTED = "rejected", _("Solicitud no aceptada")


# Statuses that hold a seat of the cohort.
SEAT_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
# Statuses of people who started the course (the "enrolled" indicator of contracts).
STARTED_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED)


class EnrolmentChannel(models.TextChoices):
    STAFF = "staff", _("Registrada por el personal")
    SELF_SERVICE = "self_service", _("Autoservicio")


class DropReason(models.TextChoices):
    EMPLOYMENT = "employment", _("Consiguió empleo")
    SCHEDULE = "schedule", _("Horario incompatible")
    CARE = "care", _("Cuidado de hijos/as o personas")
    TRANSPORT = "transport", _("Transporte / distancia")
    HEALTH = "health", _("Salud")
    MOVED = "moved", _("Cambió de ciudad")
    INTEREST = "interest", _("Perdió el interés / el curso no respondió a sus expectativas")
    ATTENDANCE = "attendance", _("Inasistencia")
    OTHER = "other", _("Otro motivo")


class Enrolment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("cohorte"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("persona"))
    status = models.CharField(_("estado"), max_length=12, choices=EnrolmentStatus.choices)
    channel = models.CharField(_("canal"), max_length=14, choices=EnrolmentChannel.choices)
    requested_at = models.DateTimeField(_("fecha de solicitud"), db_index=True)
    enrolled_at = models.DateTimeField(_("fecha de inscripción"), null=True, blank=True)
    completed_on = models.DateField(_("fecha de finalización"), null=True, blank=True)
    certified = models.BooleanField(_("certificada"), default=False)
    certificate_code = models.CharField(_("código del certificado"), max_length=60, blank=True)
    dropped_on = models.DateField(_("fecha de retiro"), null=True, blank=True)
    drop_reason = models.CharField(_("motivo del retiro"), max_length=12, choices=DropReason.choices, blank=True)
    drop_detail = models.CharField(_("detalle del motivo"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    note = models.CharField(_("nota"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("inscripción")
        verbose_name_plural = _("inscripciones")
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["cohort", "person"], name="enrolment_cohort_person_unique")]
        indexes = [models.Index(fields=["cohort", "status"])]


class Attendance(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("asistió"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("asistencia")
        verbose_name_plural = _("asistencias")
        constraints = [models.UniqueConstraint(fields=["enrolment", "session"], name="attendance_unique")]


class OpportunityKind(models.TextChoices):
    BUSINESS = "business", _("Oportunidad de negocio")
    EMPLOYMENT = "employment", _("Oportunidad de empleo")


class Opportunity(models.Model):
    """Chile Emprende's unit of territorial planning: a business or job opportunity that local people or firms
    could capture, the gaps that block it and the training that would close them."""

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="training_opportunities",
                                  verbose_name=_("territorio"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("tipo"), max_length=12, choices=OpportunityKind.choices, default=OpportunityKind.EMPLOYMENT)
    title = models.CharField(_("oportunidad"), max_length=200)
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("sector (CIIU)"))
    market = models.TextField(_("mercado"), blank=True)
    actors = models.TextField(_("actores"), blank=True)
    gaps = models.TextField(_("brechas a cerrar"), blank=True)
    training_objectives = models.TextField(_("objetivos de formación"), blank=True)
    minimum_contents = models.TextField(_("contenidos mínimos"), blank=True)
    result_indicators = models.TextField(_("indicadores de resultado"), blank=True)
    expected_jobs = models.PositiveIntegerField(_("empleos o negocios esperados"), default=0)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("habilidades requeridas"))
    occupation = models.ForeignKey(Occupation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("ocupación"))
    valid_from = models.DateField(_("vigente desde"))
    valid_to = models.DateField(_("vigente hasta"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("oportunidad de negocio o empleo")
        verbose_name_plural = _("oportunidades de negocio o empleo")
        ordering = ["-valid_from", "id"]

    def __str__(self) -> str:
        return self.title


class ResultsContract(models.Model):
    """A contract with a training provider paid by results.

    `formula` = {"fixed": amount per cohort, "parts": [{"indicator": code, "basis": "rate"|"count",
    "target": number, "amount": amount released when reached}]}; indicators are `siee.training.contracts.INDICATORS`.
    """

    code = models.CharField(_("número de contrato"), max_length=40, unique=True)
    provider = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="training_contracts",
                                 verbose_name=_("proveedor de formación"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("agencia contratante"))
    title = models.CharField(_("objeto"), max_length=300)
    start_date = models.DateField(_("inicio"))
    end_date = models.DateField(_("fin"))
    formula = models.JSONField(_("fórmula de pago"), default=dict)
    currency = models.CharField(_("moneda"), max_length=3, default="COP")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contrato con pago por resultados")
        verbose_name_plural = _("contratos con pago por resultados")
        ordering = ["-start_date", "id"]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"
