from django.urls import path

from siee.employers import views

app_name = "employers"

urlpatterns = [
    path("empleadores/", views.employer_list, name="list"),
    path("empleadores/nuevo/", views.employer_create, name="create"),
    path("empleadores/mis-vacantes/", views.my_vacancies, name="mine"),
    path("empleadores/<int:employer_id>/", views.employer_detail, name="detail"),
    path("vacantes/", views.vacancy_list, name="vacancies"),
    path("vacantes/nueva/", views.vacancy_create, name="vacancy_create"),
    path("vacantes/<int:vacancy_id>/", views.vacancy_page, name="vacancy"),
    path("vacantes/<int:vacancy_id>/cerrar/", views.vacancy_close, name="vacancy_close"),
    path("ofertas/", views.public_list, name="public_list"),
]
