"""Web UI routes. Spanish URLs; each app contributes its own urls module."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from siee.core import views as core_views
from siee.web import accounts, imports, views

web_patterns = [
    path("ui/buscar-taxonomia/", views.taxonomy_search, name="taxonomy_search"),
    path("importar/", imports.import_page, name="import"),
    path("importar/<str:token>/<str:kind>/", imports.import_download, name="import_download"),
]

account_patterns = [
    path("registro/", accounts.signup_job_seeker, name="signup"),
    path("registro/empresa/", accounts.signup_employer, name="signup_employer"),
    path("equipo/", accounts.staff, name="staff"),
    path("equipo/<int:user_id>/estado/", accounts.staff_toggle, name="staff_toggle"),
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
    path("", include((account_patterns, "accounts"))),
    path("personas/", include("siee.people.urls")),
    path("", include("siee.employers.urls")),
    path("", include("siee.intermediation.urls")),
    path("", include("siee.observatory.urls")),
    path("", include("siee.training.urls")),
    path("", include("siee.enterprise.urls")),
]
