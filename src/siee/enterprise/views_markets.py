"""Market pages: a buyer's procurement need (form, ranked local suppliers, introductions / quotes / deals) and
business events (fairs, Viernes Empresarial: form, participants, attendance, contacts and deals).

Thin: scoped selectors read, services write and hold every rule; a service's ValidationFailed is shown on the
form field it names. Another territory's need or event is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from siee.core.errors import OutOfScope, ValidationFailed
from siee.enterprise import selectors, services, suppliers
from siee.enterprise.forms import (
    ContactForm,
    EventForm,
    NeedForm,
    ParticipantForm,
    SupplierStepForm,
    rename_errors,
)
from siee.enterprise.models import ParticipantRole, Stage, SupplierStep
from siee.web.permissions import domain_errors_as_http, personal_data_required

# --- procurement needs -------------------------------------------------------------------------------------


@personal_data_required
@domain_errors_as_http
def need_create(request):
    """A buyer's need: goods or services, quantities, quality requirements, certifications, dates, territory."""
    form = NeedForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.create_need(actor=request.user, data=form.service_data(), skill_ids=form.skill_ids())
        except ValidationFailed as exc:
            form.add_domain_errors(rename_errors(exc, NeedForm.FIELD_NAMES))
        else:
            messages.success(request, _("Necesidad registrada: %(t)s. Estos son los proveedores locales sugeridos.")
                             % {"t": need.title})
            return redirect("enterprise:need", need.pk)
    return render(request, "enterprise/need_form.html", {"form": form})


# Buttons on each ranked supplier (a decline is recorded from the same form, without value).
STEP_BUTTONS = [(SupplierStep.INTRODUCTION, SupplierStep.INTRODUCTION.label), (SupplierStep.QUOTE, SupplierStep.QUOTE.label),
                (SupplierStep.DEAL, SupplierStep.DEAL.label), (SupplierStep.DECLINED, SupplierStep.DECLINED.label)]


@personal_data_required
@domain_errors_as_http
def need_suppliers(request, need_id: int):
    """The need with its ranked local suppliers (`suppliers.rank_suppliers`, reasons shown) and buttons to record an
    introduction, a quote or a deal (with its value) with one of them."""
    need = selectors.get_need_for(request.user, need_id)
    form = SupplierStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_supplier_step(actor=request.user, need_id=need.pk, initiative_id=d["initiative"],
                                          step=d["step"], value=d.get("value") or None, note=d.get("note", ""))
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Registrado: %(s)s.") % {"s": SupplierStep(d["step"]).label})
            return redirect("enterprise:need", need.pk)
    ranked = suppliers.rank_suppliers(need, top=10)
    for r in ranked:
        r["pct"] = round(100 * r["score"])
    posted = str(request.POST.get("initiative") or "") if request.method == "POST" else ""
    return render(request, "enterprise/need.html", {
        "need": need, "ranked": ranked, "steps": STEP_BUTTONS, "form": form, "posted": posted,
        "posted_in_ranking": any(str(r["initiative_id"]) == posted for r in ranked),
        "skills": need.skills.all(), "interactions": need.interactions.select_related("initiative")[:50],
    })


# --- business events ---------------------------------------------------------------------------------------

@personal_data_required
@domain_errors_as_http
def events(request):
    """Business events (fairs, Viernes Empresarial) with participants, attendance, contacts and deals."""
    rows = []
    for event in selectors.events_for(request.user)[:20]:
        participants = list(event.participants.select_related("initiative", "employer", "person"))
        contacts = list(event.contacts.select_related("initiative", "employer"))
        rows.append({"event": event, "participants": participants, "attended": sum(p.attended for p in participants),
                     "contacts": contacts, "deals": [c for c in contacts if c.is_deal],
                     "deal_value": sum((c.value or 0) for c in contacts if c.is_deal)})
    return render(request, "enterprise/events.html", {"rows": rows})


@personal_data_required
@domain_errors_as_http
def event_create(request):
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Evento creado: %(n)s. Inscriba ahora a los participantes.") % {"n": event.name})
            return redirect("enterprise:event", event.pk)
    return render(request, "enterprise/event_form.html", {"form": form})


@personal_data_required
@domain_errors_as_http
def event_detail(request, event_id: int):
    """An event: register participants (initiatives, buyers, people), mark attendance, record contacts and deals."""
    from siee.employers.selectors import employers_for

    event = selectors.get_event_for(request.user, event_id)
    participants = list(event.participants.select_related("initiative", "employer", "person").order_by("role", "id"))
    exhibitors = [p.initiative for p in participants if p.initiative_id]
    buyers = [p.employer for p in participants if p.employer_id]
    action = request.POST.get("action") if request.method == "POST" else None
    participant_form = ParticipantForm(
        request.POST if action == "participant" else None,
        initiatives=selectors.initiatives_for(request.user).exclude(stage=Stage.CLOSED).order_by("name")[:1000],
        employers=employers_for(request.user).order_by("name")[:1000])
    contact_form = ContactForm(request.POST if action == "contact" else None, initiatives=exhibitors, employers=buyers)
    if action is not None:
        try:
            if action == "participant":
                if participant_form.is_valid():
                    try:
                        services.add_participant(actor=request.user, event_id=event.pk, **participant_form.service_kwargs())
                    except ValidationFailed as exc:
                        participant_form.add_domain_errors(exc)
                    except OutOfScope as exc:  # a person number outside the user's territories (audited as denied)
                        participant_form.add_error("person_id", exc.message)
                    else:
                        messages.success(request, _("Participante inscrito."))
                        return redirect("enterprise:event", event.pk)
            elif action == "attendance":
                services.mark_attendance(actor=request.user, participant_id=request.POST.get("participant"),
                                         event_id=event.pk, attended=request.POST.get("attended") == "1")
                messages.success(request, _("Asistencia actualizada."))
                return redirect("enterprise:event", event.pk)
            elif action == "contact":
                if contact_form.is_valid():
                    try:
                        services.record_event_contact(actor=request.user, event_id=event.pk, **contact_form.service_kwargs())
                    except ValidationFailed as exc:
                        contact_form.add_domain_errors(exc)
                    except OutOfScope as exc:
                        contact_form.add_error("person_id", exc.message)
                    else:
                        messages.success(request, _("Contacto registrado."))
                        return redirect("enterprise:event", event.pk)
            else:
                raise ValidationFailed(_("Acción desconocida."), field="action")
        except ValidationFailed as exc:
            messages.error(request, exc.message)
    contacts = list(event.contacts.select_related("initiative", "employer", "person"))
    return render(request, "enterprise/event_detail.html", {
        "event": event, "participants": participants, "attended": sum(p.attended for p in participants),
        "contacts": contacts, "deals": [c for c in contacts if c.is_deal],
        "deal_value": sum((c.value or 0) for c in contacts if c.is_deal), "roles": ParticipantRole,
        "participant_form": participant_form, "contact_form": contact_form,
    })
