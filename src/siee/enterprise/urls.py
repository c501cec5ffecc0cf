"""Web pages of the enterprise app: public catalogue under /catalogo/, staff pages under /emprendimiento/."""

from django.urls import path

from siee.enterprise import views, views_capital, views_markets

app_name = "enterprise"

urlpatterns = [
    path("catalogo/", views.catalog_view, name="catalog"),
    path("catalogo/territorio/<str:code>/", views.territory_catalog, name="territory_catalog"),
    path("catalogo/foto/<int:photo_id>.jpg", views.product_photo, name="photo"),
    path("catalogo/<slug:slug>/", views.public_initiative, name="public_initiative"),
    path("emprendimiento/", views.initiatives, name="initiatives"),
    path("emprendimiento/nueva/", views.initiative_create, name="initiative_create"),
    path("emprendimiento/convocatorias/", views_capital.calls, name="calls"),
    path("emprendimiento/convocatorias/nueva/", views_capital.call_form, name="call_create"),
    path("emprendimiento/convocatorias/<int:call_id>/", views_capital.call_detail, name="call"),
    path("emprendimiento/convocatorias/<int:call_id>/editar/", views_capital.call_form, name="call_edit"),
    path("emprendimiento/postulaciones/<int:application_id>/", views_capital.application_detail, name="application"),
    path("emprendimiento/eventos/", views_markets.events, name="events"),
    path("emprendimiento/eventos/nuevo/", views_markets.event_create, name="event_create"),
    path("emprendimiento/eventos/<int:event_id>/", views_markets.event_detail, name="event"),
    path("emprendimiento/<int:initiative_id>/", views.initiative_detail, name="initiative"),
    path("emprendimiento/necesidades/nueva/", views_markets.need_create, name="need_create"),
    path("emprendimiento/necesidades/<int:need_id>/", views_markets.need_suppliers, name="need"),
    path("emprendimiento/remitir/<int:person_id>/", views.refer_person, name="refer_person"),
]
