from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "siee.employers"
    verbose_name = "Empleadores y vacantes"
