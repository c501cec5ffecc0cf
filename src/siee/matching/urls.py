from django.urls import path

from siee.matching import views

app_name = "matching"

urlpatterns = [
    path("personas/mi-perfil/vacantes/", views.my_vacancies, name="my_vacancies"),
    path("personas/<int:person_id>/vacantes/", views.person_vacancies, name="person_vacancies"),
    path("emparejamiento/pesos/", views.weights, name="weights"),
    path("ui/sugerir-ocupacion/", views.suggest_occupation, name="suggest_occupation"),
]
