from django.urls import path

from leerpad.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.about, name="about"),
    path("my-data/access/", views.my_access, name="my_access"),
    path("my-data/export.json", views.my_data, name="my_data"),
    path("access/", views.all_access, name="all_access"),
]
