"""Territories, organizations, users with roles, and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryLevel(models.IntegerChoices):
    COUNTRY = 0, _("País")
    REGION = 1, _("Departamento / región / provincia")
    MUNICIPALITY = 2, _("Municipio / comuna / cantón")
    DISTRICT = 3, _("Distrito / parroquia")
    GROUP = 9, _("Territorio (agrupación de municipios)")


class Territory(models.Model):
    """One node of the territorial hierarchy. `path` is a materialised path for subtree queries."""

    country = models.CharField(_("país"), max_length=2)
    level = models.PositiveSmallIntegerField(_("nivel"), choices=TerritoryLevel.choices)
    code = models.CharField(_("código oficial"), max_length=20)
    name = models.CharField(_("nombre"), max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=120, db_index=True, editable=False)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    members = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="groups",
        help_text=_("Municipios que forman un territorio personalizado"),
    )
    source = models.CharField(max_length=20, default="starter")

    class Meta:
        verbose_name = _("territorio")
        verbose_name_plural = _("territorios")
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="territory_country_code_unique")]
        ordering = ["country", "level", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def key(self) -> str:
        return f"{self.country}-{self.code}"

    def display_name(self) -> str:
        from siee.lib.text import title_es

        name = title_es(self.name) if self.name.isupper() else self.name
        if self.parent and self.level in (TerritoryLevel.MUNICIPALITY, TerritoryLevel.DISTRICT):
            parent = title_es(self.parent.name) if self.parent.name.isupper() else self.parent.name
            return f"{name}, {parent}"
        return name


class OrganizationKind(models.TextChoices):
    AGENCY = "agency", _("Agencia / servicio de empleo")
    NGO = "ngo", _("ONG / cooperación")
    TRAINING_PROVIDER = "training_provider", _("Proveedor de formación")
    EMPLOYER = "employer", _("Empleador")
    PUBLIC_ENTITY = "public_entity", _("Entidad pública")


class Organization(models.Model):
    name = models.CharField(_("nombre"), max_length=200, unique=True)
    kind = models.CharField(_("tipo"), max_length=30, choices=OrganizationKind.choices, default=OrganizationKind.AGENCY)
    tax_id = models.CharField(_("identificación tributaria"), max_length=30, blank=True)
    territories = models.ManyToManyField(Territory, related_name="organizations", verbose_name=_("territorios"))
    email = models.EmailField(_("correo"), blank=True)
    phone = models.CharField(_("teléfono"), max_length=30, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organización")
        verbose_name_plural = _("organizaciones")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("Administrador del sistema")
    AGENCY_ADMIN = "agency_admin", _("Administrador de la agencia")
    COUNSELLOR = "counsellor", _("Orientador/a")
    INTERMEDIATION_OFFICER = "intermediation_officer", _("Gestor/a de intermediación")
    BUSINESS_ADVISER = "business_adviser", _("Asesor/a empresarial")
    ANALYST = "analyst", _("Analista (solo agregados)")
    JOB_SEEKER = "job_seeker", _("Buscador/a de empleo (autoservicio)")
    EMPLOYER = "employer", _("Empleador (autoservicio)")


STAFF_ROLES = {
    Role.SYSTEM_ADMIN, Role.AGENCY_ADMIN, Role.COUNSELLOR, Role.INTERMEDIATION_OFFICER, Role.BUSINESS_ADVISER,
}
PERSONAL_DATA_ROLES = STAFF_ROLES  # analysts and self-service accounts never list people
SENSITIVE_DATA_ROLES = {Role.SYSTEM_ADMIN, Role.AGENCY_ADMIN, Role.COUNSELLOR, Role.INTERMEDIATION_OFFICER}
ADMIN_ROLES = {Role.SYSTEM_ADMIN, Role.AGENCY_ADMIN}


class User(AbstractUser):
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name=_("organización")
    )
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices, default=Role.COUNSELLOR)
    api_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    @property
    def is_system_admin(self) -> bool:
        return self.is_superuser or self.role == Role.SYSTEM_ADMIN

    @property
    def is_agency_admin(self) -> bool:
        return self.is_system_admin or self.role == Role.AGENCY_ADMIN

    @property
    def can_read_personal_data(self) -> bool:
        return self.is_system_admin or self.role in PERSONAL_DATA_ROLES

    @property
    def can_read_sensitive_data(self) -> bool:
        return self.is_system_admin or self.role in SENSITIVE_DATA_ROLES


class AuditAction(models.TextChoices):
    CREATE = "create", _("Creación")
    UPDATE = "update", _("Modificación")
    DELETE = "delete", _("Eliminación")
    READ_SENSITIVE = "read_sensitive", _("Lectura de datos sensibles")
    IMPORT = "import", _("Importación")
    EXPORT = "export", _("Exportación")
    MERGE = "merge", _("Fusión de duplicados")
    DENIED = "denied", _("Acceso denegado")
    LOGIN = "login", _("Inicio de sesión")


class AuditEntry(models.Model):
    """Who did what, when and from where. Written only through `siee.core.audit`."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50, blank=True)
    fields = models.JSONField(default=list, blank=True)
    channel = models.CharField(max_length=10, default="web")  # web, api, cli
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("registro de auditoría")
        verbose_name_plural = _("registros de auditoría")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
