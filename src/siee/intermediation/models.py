"""Intermediation: applications, shortlists, referrals, placements, follow-ups, notifications and a timeline.

Written only by `siee.intermediation.services` (and the demo history generator, in bulk).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siee.employers.models import ContractType, Employer, Vacancy
from siee.people.models import Person

FOLLOW_UP_MONTHS = (1, 3, 6, 12)


class ApplicationChannel(models.TextChoices):
    SELF_SERVICE = "self_service", _("Autoservicio")
    STAFF = "staff", _("Registrada por el personal")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Enviada")
    SHORTLISTED = "shortlisted", _("Preseleccionada")
    REFERRED = "referred", _("Remitida")
    WITHDRAWN = "withdrawn", _("Retirada")


class Application(models.Model):
    """Postulación: a person applies to a vacancy (themselves or through staff)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="applications")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="applications")
    channel = models.CharField(_("canal"), max_length=20, choices=ApplicationChannel.choices)
    status = models.CharField(_("estado"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("fecha"), db_index=True)
    note = models.CharField(_("nota"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("postulación")
        verbose_name_plural = _("postulaciones")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["person", "vacancy"], name="application_person_vacancy_unique")]


class ShortlistEntry(models.Model):
    """Preselección: an officer's choice among ranked candidates, with the score as it was then."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="shortlist")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shortlist_entries")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("fecha"))
    score = models.FloatField(_("puntaje"), null=True, blank=True)
    explanation = models.JSONField(_("explicación"), default=dict, blank=True)
    engine_version = models.CharField(max_length=40, blank=True)
    weights_version = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(_("nota"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("preselección")
        verbose_name_plural = _("preselecciones")
        ordering = ["vacancy", "-score", "id"]
        constraints = [models.UniqueConstraint(fields=["vacancy", "person"], name="shortlist_vacancy_person_unique")]


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Remitida")
    INTERVIEWED = "interviewed", _("Entrevistada")
    HIRED = "hired", _("Contratada")
    REJECTED = "rejected", _("No seleccionada")
    WITHDRAWN = "withdrawn", _("Retirada")


# Allowed employer-feedback transitions: the pipeline only moves forward.
REFERRAL_TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.REFERRED: {ReferralStatus.INTERVIEWED, ReferralStatus.HIRED, ReferralStatus.REJECTED, ReferralStatus.WITHDRAWN},
    ReferralStatus.INTERVIEWED: {ReferralStatus.HIRED, ReferralStatus.REJECTED, ReferralStatus.WITHDRAWN},
    ReferralStatus.HIRED: set(),
    ReferralStatus.REJECTED: set(),
    ReferralStatus.WITHDRAWN: set(),
}


class RejectionReason(models.TextChoices):
    PROFILE_MISMATCH = "profile_mismatch", _("El perfil no corresponde")
    EXPERIENCE = "experience", _("Experiencia insuficiente")
    EDUCATION = "education", _("Formación insuficiente")
    SKILLS = "skills", _("Le faltan habilidades requeridas")
    DOCUMENTS = "documents", _("Documentación incompleta")
    WAGE = "wage", _("No hubo acuerdo salarial")
    SCHEDULE = "schedule", _("Horario o ubicación no compatibles")
    NO_SHOW = "no_show", _("No asistió a la entrevista")
    CANDIDATE_DECLINED = "candidate_declined", _("La persona no aceptó la oferta")
    POSITION_FILLED = "position_filled", _("La vacante ya fue cubierta")
    OTHER = "other", _("Otro motivo")


class Referral(models.Model):
    """Remisión of a person to a vacancy's employer, with the match score and explanation at that moment."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="referrals")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    referred_at = models.DateTimeField(_("fecha de remisión"), db_index=True)
    status = models.CharField(_("estado"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED)
    score = models.FloatField(_("puntaje"), null=True, blank=True)
    explanation = models.JSONField(_("explicación"), default=dict, blank=True)
    engine_version = models.CharField(max_length=40, blank=True)
    weights_version = models.PositiveIntegerField(null=True, blank=True)
    interviewed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(_("motivo"), max_length=30, choices=RejectionReason.choices, blank=True)
    rejection_detail = models.CharField(_("detalle del motivo"), max_length=500, blank=True)
    feedback_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.CharField(_("notas"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("remisión")
        verbose_name_plural = _("remisiones")
        ordering = ["-referred_at", "-id"]
        constraints = [
            # A withdrawn referral does not block a later one for the same pair.
            models.UniqueConstraint(fields=["person", "vacancy"], condition=~models.Q(status="withdrawn"),
                                    name="referral_person_vacancy_active_unique"),
        ]
        indexes = [models.Index(fields=["vacancy", "status"])]


class PlacementSource(models.TextChoices):
    REFERRAL = "referral", _("Por remisión")
    DIRECT = "direct", _("Directa (sin remisión)")


class Placement(models.Model):
    """Colocación: a person started work, after a referral or directly."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="placements")
    vacancy = models.ForeignKey(Vacancy, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="placements")
    referral = models.OneToOneField(Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="placement")
    source = models.CharField(_("origen"), max_length=10, choices=PlacementSource.choices)
    start_date = models.DateField(_("fecha de inicio"))
    contract_type = models.CharField(_("tipo de contrato"), max_length=20, choices=ContractType.choices)
    monthly_wage = models.PositiveIntegerField(_("salario mensual"))
    formal = models.BooleanField(_("empleo formal"), default=True)
    hours_per_week = models.PositiveSmallIntegerField(_("horas por semana"), default=48)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("colocación")
        verbose_name_plural = _("colocaciones")
        ordering = ["-start_date", "-id"]


class FollowUp(models.Model):
    """Seguimiento at 1, 3, 6 and 12 months after a placement: a task for a counsellor."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="follow_ups")
    months_after = models.PositiveSmallIntegerField(_("meses después del inicio"))
    due_date = models.DateField(_("fecha prevista"), db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups")
    done_at = models.DateTimeField(_("realizado"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    still_employed = models.BooleanField(_("sigue empleada"), null=True, blank=True)
    formal = models.BooleanField(_("empleo formal"), null=True, blank=True)
    wage = models.PositiveIntegerField(_("salario mensual"), null=True, blank=True)
    notes = models.CharField(_("notas"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("seguimiento")
        verbose_name_plural = _("seguimientos")
        ordering = ["due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["placement", "months_after"], name="follow_up_placement_month_unique")]
        indexes = [models.Index(fields=["done_at", "due_date"])]

    def is_overdue(self, today) -> bool:
        return self.done_at is None and self.due_date < today


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Correo electrónico")
    WHATSAPP = "whatsapp", _("WhatsApp")


class NotificationStatus(models.TextChoices):
    SENT = "sent", _("Enviada")
    LINK_READY = "link_ready", _("Enlace listo para enviar")
    LOGGED = "logged", _("Registrada en consola")
    FAILED = "failed", _("Fallida")
    SKIPPED = "skipped", _("Sin datos de contacto")


class Notification(models.Model):
    """Log of every message the system produced, whatever backend delivered it."""

    channel = models.CharField(_("canal"), max_length=10, choices=NotificationChannel.choices)
    backend = models.CharField(max_length=20)
    recipient_kind = models.CharField(max_length=10)  # person, employer
    recipient = models.CharField(_("destinatario"), max_length=254, blank=True)
    template = models.CharField(_("plantilla"), max_length=40)
    subject = models.CharField(_("asunto"), max_length=200, blank=True)
    body = models.TextField(_("texto"))
    link = models.URLField(_("enlace"), max_length=2000, blank=True)
    status = models.CharField(_("estado"), max_length=12, choices=NotificationStatus.choices)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    related_type = models.CharField(max_length=30, blank=True)
    related_id = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["related_type", "related_id"])]


class IntermediationEvent(models.Model):
    """Timeline of the intermediation of a person and a vacancy (Saleor's OrderEvent pattern)."""

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="intermediation_events")
    vacancy = models.ForeignKey(Vacancy, null=True, blank=True, on_delete=models.CASCADE, related_name="intermediation_events")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
