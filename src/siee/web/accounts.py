"""Account pages: self-service sign-up for job seekers and employers, and the agency admin's staff page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from siee.core.errors import DomainError, PermissionDenied
from siee.core.models import Role, Territory, User
from siee.core.services import create_staff_user, set_user_active
from siee.people.forms import COUNTRIES
from siee.people.models import DocumentType, Sex
from siee.people.services import create_self_service_employer_account, register_self_service_person
from siee.web.forms import DateInput, SieeFormMixin
from siee.web.permissions import agency_admin_required, domain_errors_as_http

CONSENT_TEXT = _(
    "Autorizo al servicio de empleo a tratar mis datos personales, incluidos los sensibles que yo decida "
    "entregar, para orientación, intermediación laboral, formación y emprendimiento, y a compartir mi hoja de vida "
    "con empleadores a los que me remita. Puedo consultar, corregir o revocar esta autorización en cualquier momento."
)


def _municipality_choices():
    from django.conf import settings

    qs = Territory.objects.filter(level=2, country=settings.DEFAULT_COUNTRY).select_related("parent").order_by("name")
    return [("", _("— Elija —"))] + [(t.key, t.display_name()) for t in qs]


class AccountFields(forms.Form):
    username = forms.CharField(label=_("Usuario"), max_length=150)
    password = forms.CharField(label=_("Contraseña (mínimo 8 caracteres)"), widget=forms.PasswordInput, min_length=8)


class JobSeekerSignupForm(SieeFormMixin, AccountFields):
    first_names = forms.CharField(label=_("Nombres"), max_length=120)
    last_names = forms.CharField(label=_("Apellidos"), max_length=120)
    document_type = forms.ChoiceField(label=_("Tipo de documento"), choices=DocumentType.choices)
    document_number = forms.CharField(label=_("Número de documento"), max_length=30)
    nationality = forms.ChoiceField(label=_("Nacionalidad"), choices=COUNTRIES)
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), widget=DateInput())
    sex = forms.ChoiceField(label=_("Sexo"), choices=Sex.choices)
    phone = forms.CharField(label=_("Teléfono o WhatsApp"), max_length=30, required=False)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)
    municipality_code = forms.ChoiceField(label=_("Municipio donde vive"), choices=())
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True,
                                 error_messages={"required": _("Sin su autorización no podemos registrar sus datos.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality_code"].choices = _municipality_choices()


class EmployerSignupForm(SieeFormMixin, AccountFields):
    name = forms.CharField(label=_("Razón social"), max_length=200)
    tax_id = forms.CharField(label=_("NIT / RUT / RUC"), max_length=30)
    contact_name = forms.CharField(label=_("Persona de contacto"), max_length=150)
    phone = forms.CharField(label=_("Teléfono"), max_length=30)
    email = forms.EmailField(label=_("Correo electrónico"))
    municipality_code = forms.ChoiceField(label=_("Municipio"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality_code"].choices = _municipality_choices()


def signup_job_seeker(request):
    form = JobSeekerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("username", "password", "consent")}
        data["whatsapp"] = data.get("phone", "")
        try:
            person = register_self_service_person(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"], data=data,
                consent={"purpose": "employment_services", "text_version": "v1"},
            )
        except DomainError as exc:
            form.add_domain_errors(exc)
        else:
            login(request, person.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Bienvenida/o. Complete su perfil para recibir ofertas."))
            return redirect("people:me")
    return render(request, "web/signup.html", {"form": form, "title": _("Crear mi cuenta para buscar empleo")})


def signup_employer(request):
    form = EmployerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("username", "password")}
        try:
            user, _employer = create_self_service_employer_account(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"], employer_data=data)
        except DomainError as exc:
            form.add_domain_errors(exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Empresa registrada. Ya puede publicar vacantes."))
            return redirect("employers:mine")
    return render(request, "web/signup.html", {"form": form, "title": _("Registrar mi empresa")})


STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r not in (Role.JOB_SEEKER, Role.EMPLOYER, Role.SYSTEM_ADMIN)]


class StaffUserForm(SieeFormMixin, AccountFields):
    first_name = forms.CharField(label=_("Nombres"), max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)
    role = forms.ChoiceField(label=_("Rol"), choices=STAFF_ROLE_CHOICES)


@agency_admin_required
@domain_errors_as_http
def staff(request):
    org = request.user.organization
    users = User.objects.filter(role__in=[r for r, _label in STAFF_ROLE_CHOICES] + [Role.SYSTEM_ADMIN])
    if not request.user.is_system_admin:
        users = users.filter(organization=org)
    form = StaffUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_staff_user(actor=request.user, organization=org, **{k: form.cleaned_data[k] for k in (
                "username", "password", "role", "first_name", "last_name", "email")})
        except DomainError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Usuario creado."))
            return redirect("accounts:staff")
    return render(request, "web/staff.html", {"form": form, "users": users.select_related("organization").order_by("username"),
                                              "organization": org})


@require_POST
@agency_admin_required
@domain_errors_as_http
def staff_toggle(request, user_id: int):
    active = request.POST.get("active") == "1"
    try:
        set_user_active(actor=request.user, user_id=user_id, active=active)
    except PermissionDenied:
        raise
    except DomainError as exc:
        if exc.code.value == "out_of_scope":
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Usuario activado.") if active else _("Usuario desactivado."))
    return redirect("accounts:staff")
