from django.urls import path

from leerpad.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.adoption, name="adoption"),
]
