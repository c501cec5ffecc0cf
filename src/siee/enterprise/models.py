"""Entrepreneurship and markets: business initiatives, the advisory route, seed capital, the public catalogue,
supplier development and business events.

Written only by `siee.enterprise.services` (and the demo generator).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siee.core.models import Organization, Territory
from siee.employers.models import Employer
from siee.people.models import Person
from siee.taxonomy.models import Sector, Skill

SURVIVAL_MONTHS = (6, 12, 24)


class Stage(models.IntegerChoices):
    """Ordered: eligibility rules compare stages ("at least business plan")."""

    IDEA = 10, _("Idea")
    BUSINESS_PLAN = 20, _("Plan de negocio")
    START_UP = 30, _("Puesta en marcha")
    OPERATING = 40, _("En operación")
    STRENGTHENING = 50, _("Fortalecimiento")
    CLOSED = 90, _("Cerrado")


class BusinessInitiative(models.Model):
    """Iniciativa empresarial (ILE) of one person or a group."""

    name = models.CharField(_("nombre"), max_length=200)
    description = models.TextField(_("descripción"), blank=True)
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("sector (CIIU)"))
    stage = models.PositiveSmallIntegerField(_("etapa"), choices=Stage.choices, default=Stage.IDEA, db_index=True)
    is_group = models.BooleanField(_("iniciativa asociativa (grupo)"), default=False)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("titular"))
    municipality = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("municipio"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="initiatives")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="advised_initiatives", verbose_name=_("asesor/a"))
    registered = models.BooleanField(_("formalizada (registro mercantil)"), default=False)
    tax_id = models.CharField(_("NIT / RUT / RUC"), max_length=30, blank=True)
    formalized_on = models.DateField(_("fecha de formalización"), null=True, blank=True)
    jobs_full_time = models.PositiveSmallIntegerField(_("empleos de tiempo completo"), default=0)
    jobs_part_time = models.PositiveSmallIntegerField(_("empleos de medio tiempo"), default=0)
    jobs_family = models.PositiveSmallIntegerField(_("empleos familiares no remunerados"), default=0)
    monthly_sales = models.DecimalField(_("ventas mensuales"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("moneda"), max_length=3, default="COP")
    operating_since = models.DateField(_("en operación desde"), null=True, blank=True)
    closed_on = models.DateField(_("fecha de cierre"), null=True, blank=True)
    created_at = models.DateTimeField(_("fecha de registro"), db_index=True)
    # public catalogue page (opt-in)
    public = models.BooleanField(_("publicada en el catálogo"), default=False)
    slug = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    public_description = models.TextField(_("presentación pública"), blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=30, blank=True)
    phone = models.CharField(_("teléfono"), max_length=30, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    address = models.CharField(_("dirección"), max_length=200, blank=True)
    delivery_area = models.CharField(_("zona de entrega"), max_length=200, blank=True)
    certifications = models.CharField(_("certificaciones y permisos"), max_length=300, blank=True,
                                      help_text=_("p. ej. registro INVIMA, manipulación de alimentos"))

    class Meta:
        verbose_name = _("iniciativa empresarial")
        verbose_name_plural = _("iniciativas empresariales")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def jobs_total(self) -> int:
        return self.jobs_full_time + self.jobs_part_time + self.jobs_family

    @property
    def whatsapp_url(self) -> str:
        digits = "".join(c for c in self.whatsapp if c.isdigit())
        if not digits:
            return ""
        if len(digits) == 10 and digits.startswith("3"):  # Colombian mobile without the country code
            digits = "57" + digits
        return f"https://wa.me/{digits}"


class TeamMember(models.Model):
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="initiative_memberships")
    role = models.CharField(_("rol en la iniciativa"), max_length=80, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["initiative", "person"], name="team_member_unique")]


class InitiativeEvent(models.Model):
    """Timeline of an initiative (stage changes, sessions, awards, deals...)."""

    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class SalesRecord(models.Model):
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="sales")
    month = models.DateField(_("mes"))  # first day of the month
    amount = models.DecimalField(_("ventas"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["initiative", "month"], name="sales_initiative_month_unique")]


# --- advisory route ----------------------------------------------------------------------------------------

class StepKind(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("Diagnóstico")
    TRAINING = "training", _("Formación")
    BUSINESS_PLAN = "business_plan", _("Plan de negocio")
    COMMITTEE_REVIEW = "committee_review", _("Revisión del comité")
    OTHER = "other", _("Otro")


class RouteStep(models.Model):
    """A configurable step of the advisory route. An initiative cannot enter `required_before` until every
    required step of its organization (or the global route, organization empty) with that threshold is done."""

    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="route_steps")
    order = models.PositiveSmallIntegerField(_("orden"))
    kind = models.CharField(_("tipo"), max_length=20, choices=StepKind.choices)
    name = models.CharField(_("nombre"), max_length=120)
    required = models.BooleanField(_("obligatorio"), default=True)
    required_before = models.PositiveSmallIntegerField(_("requerido antes de la etapa"), choices=Stage.choices)

    class Meta:
        ordering = ["order", "id"]


class StepCompletion(models.Model):
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="step_completions")
    step = models.ForeignKey(RouteStep, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["initiative", "step"], name="step_completion_unique")]


class AdvisorySession(models.Model):
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="sessions")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("fecha"), db_index=True)
    minutes = models.PositiveSmallIntegerField(_("duración (minutos)"), default=60)
    notes = models.TextField(_("notas"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class AgreedTask(models.Model):
    session = models.ForeignKey(AdvisorySession, on_delete=models.CASCADE, related_name="tasks")
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="tasks")
    description = models.CharField(_("tarea acordada"), max_length=300)
    due_on = models.DateField(_("fecha límite"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class Questionnaire(models.Model):
    """Diagnosis questionnaire: `questions` = [{"code", "text", "area", "weight"}]; answers are 0..4."""

    name = models.CharField(_("nombre"), max_length=120, unique=True)
    questions = models.JSONField(default=list)


class Diagnosis(models.Model):
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="diagnoses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT)
    answers = models.JSONField(default=dict)
    score = models.FloatField(_("puntaje (0-100)"))
    area_scores = models.JSONField(default=dict)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]


# --- seed capital ------------------------------------------------------------------------------------------

class GrantCall(models.Model):
    """Convocatoria de capital semilla or another support programme."""

    name = models.CharField(_("nombre"), max_length=200)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="grant_calls")
    territories = models.ManyToManyField(Territory, blank=True, related_name="+", verbose_name=_("territorios"))
    opens_on = models.DateField(_("abre"))
    closes_on = models.DateField(_("cierra"))
    amount_per_award = models.DecimalField(_("monto por beneficiario"), max_digits=14, decimal_places=2)
    budget = models.DecimalField(_("presupuesto"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("moneda"), max_length=3, default="COP")
    min_stage = models.PositiveSmallIntegerField(_("etapa mínima"), choices=Stage.choices, null=True, blank=True)
    required_course = models.CharField(_("formación requerida (código del curso)"), max_length=60, blank=True)
    require_registered = models.BooleanField(_("exige formalización"), default=False)
    min_score = models.FloatField(_("puntaje mínimo para adjudicar"), default=60.0)

    class Meta:
        ordering = ["-opens_on", "id"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterio"), max_length=120)
    weight = models.FloatField(_("peso"))
    max_score = models.FloatField(_("puntaje máximo"), default=5.0)

    class Meta:
        ordering = ["id"]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Presentada")
    INELIGIBLE = "ineligible", _("No elegible")
    ELIGIBLE = "eligible", _("Elegible")
    AWARDED = "awarded", _("Adjudicada")
    REJECTED = "rejected", _("No adjudicada")


class GrantApplication(models.Model):
    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="applications")
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="grant_applications")
    status = models.CharField(_("estado"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    eligibility = models.JSONField(default=list, blank=True)  # [{"rule", "ok", "reason"}]
    score = models.FloatField(_("puntaje del comité"), null=True, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "initiative"], name="grant_application_unique")]


class CommitteeScore(models.Model):
    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE)
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scorer_label = models.CharField(max_length=150, default="")
    value = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "criterion", "scorer_label"], name="committee_score_unique")]


class Award(models.Model):
    application = models.OneToOneField(GrantApplication, on_delete=models.CASCADE, related_name="award")
    amount = models.DecimalField(_("monto adjudicado"), max_digits=14, decimal_places=2)
    awarded_on = models.DateField(_("fecha de adjudicación"))
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("Programado")
    PAID = "paid", _("Desembolsado")


class Tranche(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("número"))
    amount = models.DecimalField(_("monto"), max_digits=14, decimal_places=2)
    milestone = models.CharField(_("hito"), max_length=300)
    status = models.CharField(_("estado"), max_length=10, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED)
    milestone_met_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(_("fecha de desembolso"), null=True, blank=True)

    class Meta:
        ordering = ["award", "number"]
        constraints = [models.UniqueConstraint(fields=["award", "number"], name="tranche_award_number_unique")]


class SurvivalFollowUp(models.Model):
    """Seguimiento de supervivencia at 6, 12 and 24 months after the award or the start of operations."""

    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="survival_follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("fecha prevista"), db_index=True)
    basis = models.CharField(max_length=20)  # award | operation
    done_on = models.DateField(null=True, blank=True)
    operating = models.BooleanField(null=True)
    jobs = models.PositiveSmallIntegerField(null=True, blank=True)
    monthly_sales = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["initiative", "months"], name="survival_initiative_months_unique")]


# --- public catalogue --------------------------------------------------------------------------------------

class ProductKind(models.TextChoices):
    PRODUCT = "product", _("Producto")
    SERVICE = "service", _("Servicio")


class Product(models.Model):
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="products")
    kind = models.CharField(_("tipo"), max_length=10, choices=ProductKind.choices, default=ProductKind.PRODUCT)
    name = models.CharField(_("nombre"), max_length=200)
    description = models.TextField(_("descripción"), blank=True)
    price_min = models.DecimalField(_("precio (desde)"), max_digits=14, decimal_places=2, null=True, blank=True)
    price_max = models.DecimalField(_("precio (hasta)"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unidad"), max_length=40, blank=True)
    active = models.BooleanField(default=True)
    search_text = models.TextField(editable=False, default="")  # folded name, description, initiative, sector

    class Meta:
        ordering = ["initiative", "name", "id"]

    def __str__(self) -> str:
        return self.name


class ProductPhoto(models.Model):
    """Re-encoded JPEG (resized, without EXIF/GPS metadata), stored in the database so every worker serves it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    data = models.BinaryField()
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class CatalogTerm(models.Model):
    """Search index of the public catalogue: one row per (stemmed, folded) term of a published product."""

    term = models.CharField(max_length=40)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    municipality_id = models.IntegerField()
    sector_id = models.IntegerField(null=True)
    weight = models.FloatField(default=1.0)  # name terms 1.0, other text 0.5

    class Meta:
        # covering index: the search reads term, municipality, product and weight from the index alone
        indexes = [models.Index(fields=["term", "municipality_id", "product", "weight"], name="catalog_term_cover_idx")]


# --- supplier development ----------------------------------------------------------------------------------

class NeedStatus(models.TextChoices):
    OPEN = "open", _("Abierta")
    CLOSED = "closed", _("Cerrada")


class ProcurementNeed(models.Model):
    """Necesidad de proveeduría of a buyer (employer or public entity)."""

    buyer_employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="procurement_needs")
    buyer_entity = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="procurement_needs")
    title = models.CharField(_("bien o servicio requerido"), max_length=200)
    description = models.TextField(_("descripción"), blank=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=ProductKind.choices, default=ProductKind.PRODUCT)
    sector = models.ForeignKey(Sector, null=True, blank=True, on_delete=models.PROTECT)
    quantity = models.DecimalField(_("cantidad"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unidad"), max_length=40, blank=True)
    frequency = models.CharField(_("frecuencia"), max_length=60, blank=True)
    quality_requirements = models.TextField(_("requisitos de calidad"), blank=True)
    certifications = models.CharField(_("certificaciones exigidas"), max_length=300, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="procurement_needs", verbose_name=_("habilidades requeridas"))
    municipality = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipio"))
    local_only = models.BooleanField(_("solo proveedores del territorio"), default=False)
    starts_on = models.DateField(_("desde"))
    ends_on = models.DateField(_("hasta"), null=True, blank=True)
    budget = models.DecimalField(_("presupuesto estimado"), max_digits=16, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def buyer_name(self) -> str:
        return (self.buyer_employer or self.buyer_entity).name if (self.buyer_employer_id or self.buyer_entity_id) else ""


class SupplierStep(models.TextChoices):
    INTRODUCTION = "introduction", _("Presentación")
    QUOTE = "quote", _("Cotización")
    DEAL = "deal", _("Negocio cerrado")
    DECLINED = "declined", _("Descartado")


class SupplierInteraction(models.Model):
    need = models.ForeignKey(ProcurementNeed, on_delete=models.CASCADE, related_name="interactions")
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="supplier_interactions")
    step = models.CharField(_("paso"), max_length=20, choices=SupplierStep.choices)
    value = models.DecimalField(_("valor"), max_digits=16, decimal_places=2, null=True, blank=True)
    at = models.DateTimeField()
    note = models.CharField(_("nota"), max_length=500, blank=True)
    score = models.FloatField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]


# --- business events ---------------------------------------------------------------------------------------

class EventKind(models.TextChoices):
    FAIR = "fair", _("Feria")
    BUSINESS_FRIDAY = "business_friday", _("Viernes Empresarial")
    BUSINESS_ROUND = "business_round", _("Rueda de negocios")


class BusinessEvent(models.Model):
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=EventKind.choices, default=EventKind.FAIR)
    date = models.DateField(_("fecha"))
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    municipality = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipio"))
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "id"]


class ParticipantRole(models.TextChoices):
    EXHIBITOR = "exhibitor", _("Expositor (iniciativa)")
    BUYER = "buyer", _("Comprador")
    VISITOR = "visitor", _("Visitante")


class EventParticipant(models.Model):
    event = models.ForeignKey(BusinessEvent, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=20, choices=ParticipantRole.choices)
    initiative = models.ForeignKey(BusinessInitiative, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField(_("asistió"), default=False)


class EventContact(models.Model):
    """A business contact or deal made at an event between an exhibiting initiative and a buyer or person."""

    event = models.ForeignKey(BusinessEvent, on_delete=models.CASCADE, related_name="contacts")
    initiative = models.ForeignKey(BusinessInitiative, on_delete=models.CASCADE, related_name="+")
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    is_deal = models.BooleanField(_("negocio cerrado"), default=False)
    value = models.DecimalField(_("valor"), max_digits=16, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)


# --- route between job seeking and self-employment ---------------------------------------------------------

class RouteDirection(models.TextChoices):
    TO_ENTREPRENEURSHIP = "to_entrepreneurship", _("De empleo a emprendimiento")
    TO_EMPLOYMENT = "to_employment", _("De emprendimiento a empleo")


class RouteReferral(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="route_referrals")
    direction = models.CharField(max_length=30, choices=RouteDirection.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("motivo"), max_length=500, blank=True)
    initiative = models.ForeignKey(BusinessInitiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]


class CatalogWord(models.Model):
    """Vocabulary of the catalogue index, for typo-tolerant lookups (a few thousand rows, not one per product)."""

    term = models.CharField(max_length=40, unique=True)
