from django.urls import path

from siee.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("nueva/", views.person_create, name="create"),
    path("mi-perfil/", views.my_profile, name="me"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/editar/", views.person_edit, name="edit"),
    path("<int:person_id>/experiencia/", views.add_experience, name="add_experience"),
    path("<int:person_id>/formacion/", views.add_education, name="add_education"),
    path("<int:person_id>/habilidades/", views.add_skill, name="add_skill"),
    path("<int:person_id>/ocupaciones-deseadas/", views.set_desired, name="set_desired"),
    path("<int:person_id>/autorizacion/", views.record_consent, name="record_consent"),
    path("<int:person_id>/autorizacion/revocar/", views.revoke_consent, name="revoke_consent"),
    path("<int:person_id>/fusionar/", views.merge, name="merge"),
]
