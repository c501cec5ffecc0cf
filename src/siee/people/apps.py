from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "siee.people"
    verbose_name = "Personas"
