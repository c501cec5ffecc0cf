"""Intermediation pages, plus the matching pages (included here so the site needs one include line)."""

from django.urls import include, path

from siee.intermediation import views

intermediation_patterns = [
    path("vacantes/<int:vacancy_id>/candidatos/", views.vacancy_candidates, name="candidates"),
    path("vacantes/<int:vacancy_id>/candidatos/seleccion/", views.candidates_action, name="candidates_action"),
    path("vacantes/<int:vacancy_id>/postular/", views.apply, name="apply"),
    path("remisiones/<int:referral_id>/respuesta/", views.referral_feedback, name="referral_feedback"),
    path("remisiones/<int:referral_id>/colocacion/", views.referral_placement, name="referral_placement"),
    path("seguimientos/", views.follow_ups, name="follow_ups"),
    path("seguimientos/<int:follow_up_id>/", views.follow_up_complete, name="follow_up"),
    path("informes/equidad/", views.fairness, name="fairness"),
]

urlpatterns = [
    path("", include((intermediation_patterns, "intermediation"))),
    path("", include("siee.matching.urls")),
]
