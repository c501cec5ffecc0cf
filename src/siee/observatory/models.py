"""Models of the observatory: the pre-aggregated fact table, its fill state, analyst-defined indicators and
external series. Facts are written only by `siee.observatory.facts.refresh_facts`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ObservatoryFact(models.Model):
    """One aggregate cell: a measure's records of one month and one municipality with the same dimension values
    (and, for measures with a histogram, the same integer value in `bucket`). `count` records, `total` = sum of
    their values. Indicators for any territory, period and breakdown are sums over these rows."""

    measure = models.CharField(max_length=60)
    # "" = every dimension of the measure; "=sex,age_group" = rolled up to those columns (the others ""), for
    # fast reads; "cum=sex" = the same roll-up accumulated: each month holds everything up to and including it.
    grain = models.CharField(max_length=200, default="", blank=True)
    month = models.DateField()
    territory_id = models.IntegerField()  # municipality (Territory.pk); no FK: rebuilt in bulk
    sex = models.CharField(max_length=1, default="", blank=True)
    age_group = models.CharField(max_length=8, default="", blank=True)
    nationality = models.CharField(max_length=2, default="", blank=True)
    migratory_status = models.CharField(max_length=20, default="", blank=True)
    disability = models.CharField(max_length=1, default="", blank=True)
    education_level = models.CharField(max_length=3, default="", blank=True)
    isco4 = models.CharField(max_length=4, default="", blank=True)
    isic_section = models.CharField(max_length=1, default="", blank=True)
    employer_size = models.CharField(max_length=10, default="", blank=True)
    item = models.CharField(max_length=60, default="", blank=True)  # ranking measures: the ranked thing (skill id)
    bucket = models.BigIntegerField(null=True, blank=True)  # histogram measures: the integer value
    count = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("hecho agregado del observatorio")
        verbose_name_plural = _("hechos agregados del observatorio")
        indexes = [models.Index(fields=["measure", "grain", "month", "territory_id"], name="obs_fact_measure_grain")]


class FactFillState(models.Model):
    """When each measure was last aggregated and the source fingerprint it saw (Zulip's FillState)."""

    measure = models.CharField(max_length=60, unique=True)
    fingerprint = models.CharField(max_length=200, blank=True)
    refreshed_at = models.DateTimeField()
    rows = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)
    grains = models.JSONField(default=list, blank=True)  # roll-ups kept besides the full facts (see ObservatoryFact)

    class Meta:
        verbose_name = _("estado de agregación")
        verbose_name_plural = _("estados de agregación")


class IndicatorDefinition(models.Model):
    """An indicator defined by an analyst (no code): the definition dict as validated by the engine."""

    code = models.CharField(_("código"), max_length=60, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    definition = models.JSONField(_("definición"), default=dict)
    published = models.BooleanField(_("publicado"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("definición de indicador")
        verbose_name_plural = _("definiciones de indicadores")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ExternalSeries(models.Model):
    """A time series from outside the agency (e.g. the statistics office's unemployment rate)."""

    code = models.CharField(_("código"), max_length=60, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    unit = models.CharField(_("unidad"), max_length=40, blank=True)
    source = models.CharField(_("fuente"), max_length=200, blank=True)
    territory = models.ForeignKey("core.Territory", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("territorio"))
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("serie externa")
        verbose_name_plural = _("series externas")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ExternalPoint(models.Model):
    series = models.ForeignKey(ExternalSeries, on_delete=models.CASCADE, related_name="points")
    period = models.CharField(_("periodo"), max_length=10)
    start = models.DateField()
    value = models.FloatField(_("valor"))

    class Meta:
        ordering = ["series", "start"]
        constraints = [models.UniqueConstraint(fields=["series", "period"], name="external_point_unique")]
