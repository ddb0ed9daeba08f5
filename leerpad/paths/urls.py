from django.urls import URLPattern, URLResolver

app_name = "paths"

urlpatterns: list[URLPattern | URLResolver] = []
