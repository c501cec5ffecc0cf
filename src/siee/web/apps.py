from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "siee.web"
    verbose_name = "Web"
