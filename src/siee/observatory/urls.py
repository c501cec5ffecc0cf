"""Web pages of the observatory app. Each app picks its own (Spanish) URL prefixes; the site includes this at "/"."""

from django.urls import path

from siee.observatory import views

app_name = "observatory"

urlpatterns = [
    path("observatorio/", views.dashboard, name="dashboard"),
    path("observatorio/indicadores/", views.definitions, name="definitions"),
    path("observatorio/indicadores/nuevo/", views.definition_new, name="definition_new"),
    path("observatorio/indicadores/<slug:code>/", views.indicator_detail, name="indicator"),
    path("observatorio/boletin/", views.bulletin, name="bulletin"),
    path("observatorio/datos-abiertos/", views.opendata, name="opendata"),
    path("observatorio/publico/", views.public_index, name="public_index"),
    path("observatorio/publico/<str:code>/", views.public_territory, name="public_territory"),
]
