"""Web pages of the training app (staff under /formacion/, public under /cursos/)."""

from django.urls import path

from siee.training import views

app_name = "training"

urlpatterns = [
    path("formacion/cursos/", views.course_list, name="courses"),
    path("formacion/cursos/nuevo/", views.course_create, name="course_create"),
    path("formacion/cursos/<int:course_id>/", views.course_detail, name="course"),
    path("formacion/cursos/<int:course_id>/editar/", views.course_edit, name="course_edit"),
    path("formacion/cursos/<int:course_id>/cohortes/nueva/", views.cohort_create, name="cohort_create"),
    path("formacion/oportunidades/nueva/", views.opportunity_create, name="opportunity_create"),
    path("formacion/oportunidades/<int:opportunity_id>/especificacion/", views.opportunity_spec,
         name="opportunity_spec"),
    path("formacion/cohortes/<int:cohort_id>/", views.cohort_detail, name="cohort"),
    path("formacion/cohortes/<int:cohort_id>/inscribir/", views.cohort_enrol, name="cohort_enrol"),
    path("formacion/cohortes/<int:cohort_id>/asistencia/", views.cohort_attendance, name="cohort_attendance"),
    path("formacion/cohortes/<int:cohort_id>/estado/", views.cohort_status, name="cohort_status"),
    path("formacion/cohortes/<int:cohort_id>/sesiones/", views.cohort_add_session, name="cohort_add_session"),
    path("formacion/inscripciones/<int:enrolment_id>/", views.enrolment_action, name="enrolment_action"),
    path("formacion/brechas/", views.gaps, name="gaps"),
    path("formacion/contratos/nuevo/", views.contract_create, name="contract_create"),
    path("formacion/contratos/<int:contract_id>/", views.contract_detail, name="contract"),
    path("formacion/contratos/<int:contract_id>/editar/", views.contract_edit, name="contract_edit"),
    path("formacion/proveedores/", views.provider_list, name="providers"),
    path("formacion/proveedores/nuevo/", views.provider_create, name="provider_create"),
    path("formacion/proveedores/<int:provider_id>/", views.provider_detail, name="provider"),
    path("formacion/proveedores/<int:provider_id>/editar/", views.provider_edit, name="provider_edit"),
    path("formacion/personas/<int:person_id>/recomendaciones/", views.person_recommendations,
         name="person_recommendations"),
    path("cursos/", views.public_courses, name="public_courses"),
    path("cursos/<int:course_id>/", views.public_course, name="public_course"),
    path("cursos/cohortes/<int:cohort_id>/solicitar/", views.request_seat, name="request_seat"),
]
