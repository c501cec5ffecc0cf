"""Notifications to people and employers, through a pluggable delivery backend.

The backend is chosen by the setting (or environment variable) SIEE_NOTIFICATION_BACKEND:

- ``console`` (default): writes the message to standard output and the log; nothing leaves the machine.
- ``email``: Django's ``send_mail`` (configure SIEE_EMAIL_BACKEND / Django's EMAIL_* settings).
- ``whatsapp-link``: builds a ``https://wa.me/<number>?text=<message>`` link that the officer opens to send
  the message from the agency's WhatsApp; the link is stored on the Notification.

Every message, whatever the backend, is logged as a ``Notification`` row. Templates are Spanish. The copy sent
to an employer never contains sensitive data (migration status, disability, ethnicity, documents...).
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from siee.intermediation.models import Notification, NotificationChannel, NotificationStatus

log = logging.getLogger("siee.notifications")

CALLING_CODES = {"CO": "57", "CL": "56", "EC": "593", "PE": "51", "VE": "58"}

TEMPLATES: dict[str, tuple[str, str]] = {
    "referred_person": (
        "Te remitimos a una vacante: {vacancy_title}",
        "Hola, {first_name}. {agency} te remitió a la vacante «{vacancy_title}» de {employer_name} en "
        "{municipality}.{reasons} La empresa podrá contactarte para una entrevista. Si ya no te interesa o "
        "tienes preguntas, responde a este mensaje.",
    ),
    "referred_employer": (
        "Candidato/a remitido/a para su vacante {vacancy_code}",
        "Buen día, {contact_name}. {agency} le remite a {person_name} para la vacante «{vacancy_title}» "
        "(código {vacancy_code}). Coincidencia con el perfil: {score}.{reasons} Para coordinar la entrevista "
        "y recibir la hoja de vida, responda a este mensaje o contacte a la agencia.",
    ),
    "vacancy_match": (
        "Hay una vacante para tu perfil: {vacancy_title}",
        "Hola, {first_name}. Hay una vacante que coincide con tu perfil: «{vacancy_title}» en {municipality} "
        "(coincidencia {score}).{reasons} Si te interesa, postúlate en el portal de empleo o acércate a {agency}.",
    ),
}


class _SafeDict(dict):
    def __missing__(self, key):
        return ""


def render(template: str, context: dict) -> tuple[str, str]:
    subject, body = TEMPLATES[template]
    ctx = _SafeDict(context)
    return subject.format_map(ctx), " ".join(body.format_map(ctx).split())


@dataclass
class Message:
    channel: str
    recipient: str
    subject: str
    body: str


@dataclass
class Delivery:
    status: str
    link: str = ""
    error: str = ""


class NotificationBackend:
    """Delivers one message. `channels` lists the channels it can deliver, in order of preference."""

    name = "base"
    channels: tuple[str, ...] = (NotificationChannel.WHATSAPP, NotificationChannel.EMAIL)

    def deliver(self, message: Message) -> Delivery:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(NotificationBackend):
    name = "console"

    def __init__(self, stream=None):
        self.stream = stream

    def deliver(self, message: Message) -> Delivery:
        text = (f"[notificación {message.channel} → {message.recipient}] {message.subject}\n"
                f"{message.body}\n")
        stream = self.stream or sys.stdout
        stream.write(text)
        stream.flush()
        log.info("notification %s to %s: %s", message.channel, message.recipient, message.subject)
        return Delivery(NotificationStatus.LOGGED)


class EmailBackend(NotificationBackend):
    name = "email"
    channels = (NotificationChannel.EMAIL,)

    def deliver(self, message: Message) -> Delivery:
        from django.core.mail import send_mail

        try:
            send_mail(message.subject, message.body, None, [message.recipient], fail_silently=False)
        except Exception as exc:  # SMTP errors of any kind must not lose the log entry
            log.warning("email to %s failed: %s", message.recipient, exc)
            return Delivery(NotificationStatus.FAILED, error=str(exc)[:500])
        return Delivery(NotificationStatus.SENT)


class WhatsAppLinkBackend(NotificationBackend):
    name = "whatsapp-link"
    channels = (NotificationChannel.WHATSAPP,)

    def deliver(self, message: Message) -> Delivery:
        return Delivery(NotificationStatus.LINK_READY, link=whatsapp_link(message.recipient, message.body))


BACKENDS = {b.name: b for b in (ConsoleBackend, EmailBackend, WhatsAppLinkBackend)}


def backend_name() -> str:
    return (getattr(settings, "SIEE_NOTIFICATION_BACKEND", None) or os.environ.get("SIEE_NOTIFICATION_BACKEND")
            or "console").strip().lower()


def get_backend(name: str | None = None) -> NotificationBackend:
    name = name or backend_name()
    try:
        return BACKENDS[name]()
    except KeyError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"SIEE_NOTIFICATION_BACKEND={name!r} no es válido; use uno de: {', '.join(BACKENDS)}") from None


def whatsapp_number(raw: str, *, country: str | None = None) -> str:
    """Digits in international form without '+', as wa.me wants them ("300 123 4567" → "573001234567")."""
    text = (raw or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return ""
    if text.startswith("+") or text.startswith("00"):
        return digits[2:] if text.startswith("00") else digits
    code = CALLING_CODES.get((country or getattr(settings, "DEFAULT_COUNTRY", "CO")).upper(), "")
    if not code or (digits.startswith(code) and len(digits) > 10):
        return digits  # already international
    return code + digits.lstrip("0")


def whatsapp_link(number: str, text: str) -> str:
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


def _contacts(*, person=None, employer=None) -> list[tuple[str, str]]:
    """(channel, address) pairs in order of preference for the recipient."""
    if person is not None:
        number = whatsapp_number(person.whatsapp or person.phone)
        return [(NotificationChannel.WHATSAPP, number), (NotificationChannel.EMAIL, person.email or "")]
    number = whatsapp_number(employer.phone)
    return [(NotificationChannel.EMAIL, employer.email or ""), (NotificationChannel.WHATSAPP, number)]


def send(*, template: str, context: dict, person=None, employer=None, related=None,
         backend: NotificationBackend | None = None) -> Notification:
    """Render, deliver and log one message to a person or an employer. Never raises for delivery problems."""
    backend = backend or get_backend()
    subject, body = render(template, context)
    contacts = [(c, a) for c, a in _contacts(person=person, employer=employer) if c in backend.channels]
    channel, address = next(((c, a) for c, a in contacts if a), contacts[0] if contacts else (backend.channels[0], ""))
    notification = Notification(
        channel=channel, backend=backend.name, recipient_kind="person" if person is not None else "employer",
        recipient=address, template=template, subject=subject[:200], body=body, person=person, employer=employer,
        related_type=related._meta.model_name if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
    )
    if not address:
        notification.status = NotificationStatus.SKIPPED
        notification.error = f"Sin datos de contacto para el canal {channel}."
    else:
        delivery = backend.deliver(Message(channel=channel, recipient=address, subject=subject, body=body))
        notification.status, notification.link, notification.error = delivery.status, delivery.link, delivery.error
        if delivery.status in (NotificationStatus.SENT, NotificationStatus.LOGGED, NotificationStatus.LINK_READY):
            notification.sent_at = timezone.now()
    notification.save()
    return notification
