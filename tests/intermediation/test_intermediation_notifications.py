"""Notification backends: console output, e-mail through Django, WhatsApp links; the employer's copy is clean."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from siee.intermediation import notifications, services
from siee.intermediation.models import Notification

EXPLANATION = {"summary": "Coincidencia alta (91 %): destaca en ocupación.", "migration_status": "regular",
               "components": {"wage": {"label": "Salario", "value": 0.5, "text": "Aspira a 2.000.000"}}}


def _refer(actors, cook, i=0):
    return services.refer_person_to_vacancy(actor=actors.counsellor, vacancy_id=cook["vacancy"].pk,
                                            person_id=cook["people"][i].pk, score=0.91, explanation=EXPLANATION)


def test_console_backend_prints_both_messages(actors, cook, capsys, settings):
    settings.SIEE_NOTIFICATION_BACKEND = "console"
    referral = _refer(actors, cook)
    out = capsys.readouterr().out
    vacancy = cook["vacancy"]
    person_body = ("Hola, Yorgelis. Agencia de Empleo de Bucaramanga (prueba) te remitió a la vacante «Cocinero» de "
                   "Restaurante El Fogón en Bucaramanga, Santander. Coincidencia alta (91 %): destaca en ocupación. "
                   "La empresa podrá contactarte para una entrevista. Si ya no te interesa o tienes preguntas, "
                   "responde a este mensaje.")
    employer_body = (f"Buen día, Ana Contacto. Agencia de Empleo de Bucaramanga (prueba) le remite a Yorgelis Pérez "
                     f"Díaz para la vacante «Cocinero» (código {vacancy.code}). Coincidencia con el perfil: 91 %. "
                     f"Coincidencia alta (91 %): destaca en ocupación. Para coordinar la entrevista y recibir la hoja "
                     f"de vida, responda a este mensaje o contacte a la agencia.")
    assert out == (f"[notificación whatsapp → 584125550101] Te remitimos a una vacante: Cocinero\n{person_body}\n"
                   f"[notificación email → rrhh@elfogon.co] Candidato/a remitido/a para su vacante {vacancy.code}\n"
                   f"{employer_body}\n")
    rows = list(Notification.objects.order_by("pk").values_list(
        "template", "channel", "recipient", "status", "backend", "related_type", "related_id", "body"))
    assert rows == [
        ("referred_person", "whatsapp", "584125550101", "logged", "console", "referral", str(referral.pk), person_body),
        ("referred_employer", "email", "rrhh@elfogon.co", "logged", "console", "referral", str(referral.pk), employer_body),
    ]


def test_employer_copy_has_no_sensitive_data(actors, cook, settings):
    settings.SIEE_NOTIFICATION_BACKEND = "console"
    _refer(actors, cook)
    body = Notification.objects.get(template="referred_employer").body
    person = cook["people"][0]
    for secret in (person.document_number, "PPT", "regular", "migra", "venezol", "2.000.000", person.whatsapp):
        assert secret.lower() not in body.lower()


def test_whatsapp_link_backend_stores_the_exact_url(actors, cook, settings, capsys):
    settings.SIEE_NOTIFICATION_BACKEND = "whatsapp-link"
    _refer(actors, cook, i=1)  # Carlos: phone "300 765 4321"
    to_person = Notification.objects.get(template="referred_person")
    assert to_person.link == "https://wa.me/573007654321?text=" + quote(to_person.body, safe="")
    assert (to_person.status, to_person.channel, to_person.recipient) == ("link_ready", "whatsapp", "573007654321")
    to_employer = Notification.objects.get(template="referred_employer")
    assert to_employer.link == "https://wa.me/576076340000?text=" + quote(to_employer.body, safe="")
    assert capsys.readouterr().out == ""


def test_whatsapp_link_is_exact_for_a_known_text():
    assert notifications.whatsapp_link("573001234567", "Hola, María: «Cocinero» 100 % & más?") == (
        "https://wa.me/573001234567?text=Hola%2C%20Mar%C3%ADa%3A%20%C2%ABCocinero%C2%BB%20100%20%25%20%26%20m%C3%A1s%3F")


@pytest.mark.parametrize("raw, number", [
    ("300 123 4567", "573001234567"), ("+57 300 123 4567", "573001234567"), ("573001234567", "573001234567"),
    ("+58 412-555-0101", "584125550101"), ("0058 412 5550101", "584125550101"), ("", ""), ("sin número", ""),
])
def test_whatsapp_numbers_are_international(raw, number):
    assert notifications.whatsapp_number(raw, country="CO") == number


def test_email_backend_uses_django_mail(actors, cook, settings):
    settings.SIEE_NOTIFICATION_BACKEND = "email"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _refer(actors, cook, i=1)  # Carlos has an e-mail address
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["carlos@example.co"], "Te remitimos a una vacante: Cocinero"),
        (["rrhh@elfogon.co"], f"Candidato/a remitido/a para su vacante {cook['vacancy'].code}"),
    ]
    assert list(Notification.objects.order_by("pk").values_list("status", "channel")) == [("sent", "email"), ("sent", "email")]


def test_email_backend_without_address_is_logged_as_skipped(actors, cook, settings):
    settings.SIEE_NOTIFICATION_BACKEND = "email"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _refer(actors, cook, i=2)  # Luz Marina has no e-mail
    skipped = Notification.objects.get(template="referred_person")
    assert (skipped.status, skipped.channel, skipped.recipient, skipped.sent_at) == ("skipped", "email", "", None)
    assert len(mail.outbox) == 1


def test_vacancy_match_notification(actors, cook, settings, capsys):
    settings.SIEE_NOTIFICATION_BACKEND = "console"
    n = services.notify_vacancy_match(actor=actors.counsellor, person_id=cook["people"][2].pk,
                                      vacancy_id=cook["vacancy"].pk, score=0.8,
                                      explanation={"summary": "Coincidencia alta (80 %)."})
    assert (n.template, n.recipient, n.subject) == ("vacancy_match", "573159876543", "Hay una vacante para tu perfil: Cocinero")
    assert n.body == ("Hola, Luz. Hay una vacante que coincide con tu perfil: «Cocinero» en Bucaramanga, Santander "
                      "(coincidencia 80 %). Coincidencia alta (80 %). Si te interesa, postúlate en el portal de empleo "
                      "o acércate a Agencia de Empleo de Bucaramanga (prueba).")
    assert n.body in capsys.readouterr().out


def test_unknown_backend_fails_loudly(settings):
    settings.SIEE_NOTIFICATION_BACKEND = "paloma-mensajera"
    with pytest.raises(ImproperlyConfigured):
        notifications.get_backend()


def test_no_notify_sends_nothing(actors, cook, settings):
    settings.SIEE_NOTIFICATION_BACKEND = "console"
    services.refer_person_to_vacancy(actor=actors.counsellor, vacancy_id=cook["vacancy"].pk,
                                     person_id=cook["people"][0].pk, score=0.5, notify=False)
    assert Notification.objects.count() == 0
