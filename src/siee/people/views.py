"""People pages (thin: forms check input, services write, selectors read with the user's scope)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from siee.core.errors import ErrorCode, ValidationFailed
from siee.core.models import Role
from siee.people import selectors, services
from siee.people.forms import (
    CONSENT_CHANNELS,
    CONSENT_PURPOSES,
    CONSENT_TEXT_VERSION,
    COUNTRIES,
    ConsentForm,
    DesiredOccupationsForm,
    EducationForm,
    ExperienceForm,
    PersonFilterForm,
    PersonForm,
    SkillForm,
)
from siee.people.models import Barrier
from siee.web.pagination import paginate
from siee.web.permissions import domain_errors_as_http, personal_data_required

EVENT_LABELS = {
    "registered": gettext_lazy("Registro creado"),
    "updated": gettext_lazy("Datos actualizados"),
    "consent_granted": gettext_lazy("Autorización de datos registrada"),
    "consent_revoked": gettext_lazy("Autorización de datos revocada"),
    "experience_added": gettext_lazy("Experiencia añadida"),
    "education_added": gettext_lazy("Formación añadida"),
    "skill_added": gettext_lazy("Habilidad añadida"),
    "desired_occupations_set": gettext_lazy("Ocupaciones deseadas actualizadas"),
    "merged": gettext_lazy("Registro duplicado fusionado"),
    "training_requested": gettext_lazy("Solicitó cupo en un curso"),
    "training_enrolled": gettext_lazy("Inscrita en un curso"),
    "training_waitlisted": gettext_lazy("En lista de espera de un curso"),
    "training_completed": gettext_lazy("Finalizó un curso"),
    "training_dropped": gettext_lazy("Se retiró de un curso"),
    "referred_to_entrepreneurship": gettext_lazy("Remitida a la ruta de emprendimiento"),
    "referred_to_employment": gettext_lazy("Remitida de vuelta a la ruta de empleo"),
    "initiative_created": gettext_lazy("Registró una iniciativa empresarial"),
    "initiative_joined": gettext_lazy("Se unió a una iniciativa empresarial"),
    "initiative_stage": gettext_lazy("Su iniciativa cambió de etapa"),
    "seed_capital_awarded": gettext_lazy("Recibió capital semilla"),
}
SECTION_FORMS = {"experience": ExperienceForm, "education": EducationForm, "skills": SkillForm,
                 "desired": DesiredOccupationsForm, "consent": ConsentForm}


@personal_data_required
def person_list(request):
    form = PersonFilterForm(request.GET or None, user=request.user)
    people = selectors.people_for(request.user, **form.selector_filters()).order_by("last_names", "first_names", "pk")
    ctx = {"filter_form": form, **paginate(request, people)}
    return render(request, "people/list.html", ctx)


@personal_data_required
def person_create(request):
    form = PersonForm(request.POST or None, user=request.user)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not request.POST.get("confirm_new"):
            duplicates = services.find_duplicates(actor=request.user, data=data)
        if not duplicates:
            try:
                person = services.register_person(actor=request.user, data=data, consent=form.consent_data())
            except ValidationFailed as exc:
                form.add_domain_errors(exc)
                if exc.code == ErrorCode.DUPLICATE:
                    duplicates = services.find_duplicates(actor=request.user, data=data)
            else:
                messages.success(request, _("Persona registrada: %(name)s.") % {"name": person.full_name})
                return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "duplicates": duplicates})


@personal_data_required
@domain_errors_as_http
def person_edit(request, person_id):
    person = selectors.get_person_for(request.user, person_id)
    with_sensitive = selectors.can_see_sensitive(request.user, person)
    if with_sensitive:  # the form shows the sensitive fields: that is a read, audited
        person = selectors.get_person_for(request.user, person_id, sensitive=True, purpose="edición de la ficha")
    form = PersonForm(request.POST or None, user=request.user, editing=True, initial=PersonForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.service_data().items() if k in form.changed_data}
        try:
            services.update_person(actor=request.user, person_id=person.pk, data=changed)
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Datos guardados."))
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person, "duplicates": []})


def _detail_context(request, person, *, bound: dict | None = None, with_sensitive: bool = False) -> dict:
    user = request.user
    forms_ = {name: cls() for name, cls in SECTION_FORMS.items()}
    forms_["desired"] = DesiredOccupationsForm(initial={"occupations": list(person.desired_occupations.all())})
    forms_.update(bound or {})
    is_self = user.role == Role.JOB_SEEKER
    duplicates = []
    if not is_self and user.can_read_sensitive_data:
        duplicates = services.find_duplicates(actor=user, person=person, limit=5)
    barriers = dict(Barrier.choices)
    events = list(person.events.select_related("actor")[:50])
    for e in events:
        e.label = EVENT_LABELS.get(e.kind, e.kind)
    consents = list(person.consents.order_by("-granted_at"))
    for c in consents:
        c.purpose_label = dict(CONSENT_PURPOSES).get(c.purpose, c.purpose)
        c.channel_label = dict(CONSENT_CHANNELS).get(c.channel, c.channel)
    today = dt.date.today()
    age = today.year - person.birth_date.year - ((today.month, today.day) < (person.birth_date.month, person.birth_date.day))
    return {
        "person": person,
        "age": age,
        "forms": forms_,
        "is_self": is_self,
        "show_sensitive": with_sensitive,
        "barrier_labels": [barriers.get(b, b) for b in (person.barriers or [])] if with_sensitive else [],
        "experience": person.experience.select_related("occupation").order_by("-start_date", "-id"),
        "education": person.education.select_related("level").order_by("-year", "-id"),
        "skills": person.skills.select_related("skill").order_by("skill__label"),
        "desired": person.desired_occupations.all(),
        "consents": consents,
        "nationality_label": dict(COUNTRIES).get(person.nationality, person.nationality),
        "has_consent": person.has_consent(),
        "duplicates": duplicates,
        "events": events,
        "can_merge": user.can_read_sensitive_data and not is_self,
        "consent_version": CONSENT_TEXT_VERSION,
    }


def _render_detail(request, person_id, *, bound=None, status=200):
    person = selectors.get_person_for(request.user, person_id)
    with_sensitive = selectors.can_see_sensitive(request.user, person)
    if with_sensitive:
        person = selectors.get_person_for(request.user, person_id, sensitive=True, purpose="ficha de la persona")
    return render(request, "people/detail.html", _detail_context(request, person, bound=bound, with_sensitive=with_sensitive),
                  status=status)


@personal_data_required
@domain_errors_as_http
def person_detail(request, person_id):
    return _render_detail(request, person_id)


@login_required
@domain_errors_as_http
def my_profile(request):
    if request.user.role != Role.JOB_SEEKER:
        return redirect("home")
    person = getattr(request.user, "person", None)
    if person is None:
        return render(request, "people/no_profile.html", status=404)
    return _render_detail(request, person.pk)


def _can_edit_profile(user) -> bool:
    return user.can_read_personal_data or user.role == Role.JOB_SEEKER


def _section_response(request, person_id, section, form=None, *, ok_message=None):
    """htmx: re-render only the section; plain POST: redirect (or the whole page when there are errors)."""
    if request.headers.get("HX-Request"):
        person = selectors.get_person_for(request.user, person_id)
        ctx = _detail_context(request, person, bound={section: form} if form is not None else None)
        ctx["ok_message"] = ok_message
        return render(request, f"people/_section_{section}.html", ctx)
    if form is not None:
        return _render_detail(request, person_id, bound={section: form}, status=400)
    if ok_message:
        messages.success(request, ok_message)
    return redirect(reverse("people:detail", args=[person_id]) + f"#{section}")


def _section_view(section):
    def decorator(handler):
        @login_required
        @require_POST
        @domain_errors_as_http
        def view(request, person_id):
            if not _can_edit_profile(request.user):
                raise Http404
            selectors.get_person_for(request.user, person_id)  # scope check before reading the form
            form = SECTION_FORMS[section](request.POST)
            if not form.is_valid():
                return _section_response(request, person_id, section, form)
            try:
                message = handler(request, person_id, form)
            except ValidationFailed as exc:
                form.add_domain_errors(exc)
                return _section_response(request, person_id, section, form)
            return _section_response(request, person_id, section, ok_message=message)

        view.__name__ = handler.__name__
        return view

    return decorator


@_section_view("experience")
def add_experience(request, person_id, form):
    services.add_experience(actor=request.user, person_id=person_id, **form.service_kwargs())
    return _("Experiencia añadida.")


@_section_view("education")
def add_education(request, person_id, form):
    services.add_education(actor=request.user, person_id=person_id, **form.service_kwargs())
    return _("Formación añadida.")


@_section_view("skills")
def add_skill(request, person_id, form):
    d = form.cleaned_data
    services.add_person_skill(actor=request.user, person_id=person_id, skill_id=d["skill"].pk, level=d["level"],
                              certified=d.get("certified", False))
    return _("Habilidad añadida.")


@_section_view("desired")
def set_desired(request, person_id, form):
    services.set_desired_occupations(actor=request.user, person_id=person_id,
                                     occupation_ids=[o.pk for o in form.cleaned_data["occupations"]])
    return _("Ocupaciones deseadas guardadas.")


@_section_view("consent")
def record_consent(request, person_id, form):
    services.record_consent(actor=request.user, person_id=person_id, purpose=form.cleaned_data["purpose"],
                            channel=form.cleaned_data["channel"], text_version=CONSENT_TEXT_VERSION)
    return _("Autorización de datos registrada.")


@personal_data_required
@require_POST
@domain_errors_as_http
def revoke_consent(request, person_id):
    services.revoke_consent(actor=request.user, person_id=person_id)
    messages.warning(request, _("Autorización revocada: los datos de la persona ya no se usarán para intermediación."))
    return redirect("people:detail", person_id=person_id)


@personal_data_required
@require_POST
@domain_errors_as_http
def merge(request, person_id):
    """Merge the record `merge_id` into this one (the one whose page we are on)."""
    merge_id = request.POST.get("merge_id")
    try:
        services.merge_people(actor=request.user, keep_id=person_id, merge_id=merge_id)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Registros fusionados. El historial del duplicado se conserva en esta ficha."))
    return redirect("people:detail", person_id=person_id)
