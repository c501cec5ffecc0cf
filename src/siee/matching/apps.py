from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "siee.matching"
    label = "matching"
    verbose_name = "Emparejamiento"
