from django.urls import URLPattern, URLResolver, path

from leerpad.recommend import views

app_name = "recommend"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.for_you, name="for_you"),
    path("dismiss/", views.dismiss, name="dismiss"),
    path("not-for-me/", views.dismissed, name="dismissed"),
    path("not-for-me/<int:pk>/undo/", views.undo, name="undo"),
]
