from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "siee.taxonomy"
    verbose_name = "Taxonomía"
