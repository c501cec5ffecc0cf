from django.apps import AppConfig


class IntermediationConfig(AppConfig):
    name = "siee.intermediation"
    verbose_name = "Intermediación"
