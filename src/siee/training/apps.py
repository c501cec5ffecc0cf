from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "siee.training"
    verbose_name = "Formación"
