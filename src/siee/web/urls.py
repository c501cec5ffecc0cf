"""Web UI routes. Spanish URLs; each app contributes its own urls module."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from siee.core import views as core_views
from siee.web import imports, views

web_patterns = [
    path("ui/buscar-taxonomia/", views.taxonomy_search, name="taxonomy_search"),
    path("importar/", imports.import_page, name="import"),
    path("importar/<str:token>/<str:kind>/", imports.import_download, name="import_download"),
]

core_patterns = [
    path("auditoria/", core_views.audit_log, name="audit"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include((web_patterns, "web"))),
    path("", include((core_patterns, "core"))),
    path("personas/", include("siee.people.urls")),
    path("", include("siee.employers.urls")),
    path("", include("siee.intermediation.urls")),
]
