from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "siee.core"
    verbose_name = "Núcleo"
