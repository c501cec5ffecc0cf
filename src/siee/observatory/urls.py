"""Web pages of the observatory app. Each app picks its own (Spanish) URL prefixes; the site includes this at "/"."""

from django.urls import include, path  # noqa: F401

app_name = "observatory"

urlpatterns: list = []
