from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "siee.enterprise"
    verbose_name = "Emprendimiento y mercados"
