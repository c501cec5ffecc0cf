"""Web pages of the enterprise app: public catalogue under /catalogo/, staff pages under /emprendimiento/."""

from django.urls import path

from siee.enterprise import views

app_name = "enterprise"

urlpatterns = [
    path("catalogo/", views.catalog_view, name="catalog"),
    path("catalogo/territorio/<str:code>/", views.territory_catalog, name="territory_catalog"),
    path("catalogo/foto/<int:photo_id>.jpg", views.product_photo, name="photo"),
    path("catalogo/<slug:slug>/", views.public_initiative, name="public_initiative"),
    path("emprendimiento/", views.initiatives, name="initiatives"),
    path("emprendimiento/nueva/", views.initiative_create, name="initiative_create"),
    path("emprendimiento/convocatorias/", views.calls, name="calls"),
    path("emprendimiento/eventos/", views.events, name="events"),
    path("emprendimiento/<int:initiative_id>/", views.initiative_detail, name="initiative"),
    path("emprendimiento/necesidades/<int:need_id>/", views.need_suppliers, name="need"),
    path("emprendimiento/remitir/<int:person_id>/", views.refer_person, name="refer_person"),
]
