"""Matching configuration (versioned weights) and stored batch results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchingConfig(models.Model):
    """One version of the score weights. organization=None is the global configuration.

    Versions are never edited: a change creates a new row (version + 1) and deactivates the previous one,
    so every stored match and referral can point at the exact weights it was computed with.
    """

    organization = models.ForeignKey("core.Organization", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="matching_configs", verbose_name=_("organización"))
    version = models.PositiveIntegerField(_("versión"))
    weights = models.JSONField(_("pesos"))
    engine_version = models.CharField(_("versión del motor"), max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("configuración de emparejamiento")
        verbose_name_plural = _("configuraciones de emparejamiento")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "version"], name="matching_config_org_version_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.organization or _('global')})"


class MatchRunStatus(models.TextChoices):
    RUNNING = "running", _("En curso")
    DONE = "done", _("Terminado")
    FAILED = "failed", _("Fallido")


class MatchRun(models.Model):
    """A batch: every open vacancy of a territory ranked against the people of that territory."""

    territory = models.ForeignKey("core.Territory", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("territorio"))
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=MatchRunStatus.choices, default=MatchRunStatus.RUNNING)
    top = models.PositiveIntegerField(default=50)
    engine_version = models.CharField(max_length=40)
    weights_version = models.PositiveIntegerField(default=0)
    weights = models.JSONField(default=dict)
    vacancies = models.PositiveIntegerField(default=0)
    people_indexed = models.PositiveIntegerField(default=0)
    results_count = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("corrida de emparejamiento")
        verbose_name_plural = _("corridas de emparejamiento")
        ordering = ["-started_at", "-id"]


class MatchResult(models.Model):
    """One ranked candidate of a vacancy in a batch run."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="results")
    vacancy = models.ForeignKey("employers.Vacancy", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    explanation = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("resultado de emparejamiento")
        verbose_name_plural = _("resultados de emparejamiento")
        ordering = ["run", "vacancy", "rank"]
        indexes = [models.Index(fields=["vacancy", "run"]), models.Index(fields=["person"])]
