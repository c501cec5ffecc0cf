from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "siee.observatory"
    verbose_name = "Observatorio del mercado de trabajo"
