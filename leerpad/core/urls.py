from django.urls import path

from leerpad.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sections/<slug:slug>/", views.section, name="section"),
]
