from django.urls import path

from leerpad.search import views

app_name = "search"

urlpatterns = [
    path("", views.results, name="results"),
    path("settle", views.settle, name="settle"),
    path("insights/", views.insights, name="insights"),
    path("synonyms/", views.synonym_list, name="synonyms"),
    path("synonyms/<int:pk>/", views.synonym_edit, name="synonym_edit"),
    path("synonyms/<int:pk>/delete", views.synonym_delete, name="synonym_delete"),
]
