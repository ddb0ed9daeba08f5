from django.urls import URLPattern, URLResolver

app_name = "paths_builder"

urlpatterns: list[URLPattern | URLResolver] = []
