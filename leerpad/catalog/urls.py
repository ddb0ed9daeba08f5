from django.urls import path

from leerpad.catalog import views, views_import, views_manage

app_name = "catalog"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("<int:pk>/", views.item, name="item"),
    path("<int:pk>/useful", views.useful, name="useful"),
    path("<int:pk>/played", views.played, name="played"),
    path("<int:pk>/open", views.open_link, name="open"),
    path("<int:pk>/media", views.media, name="media"),
    path("<int:pk>/download", views.download, name="download"),
    path("<int:pk>/captions/<str:language>.vtt", views.captions, name="captions"),
    path("sessions/<int:pk>/register", views.register, name="register"),
    path("sessions/<int:pk>/cancel", views.cancel, name="cancel"),
    path("manage/", views_manage.manage, name="manage"),
    path("manage/bulk", views_manage.bulk, name="bulk"),
    path("manage/new", views_manage.edit, name="new"),
    path("manage/<int:pk>/edit", views_manage.edit, name="edit"),
    path("manage/<int:pk>/extraction", views_manage.extraction, name="extraction"),
    path("manage/<int:pk>/history", views_manage.history, name="history"),
    path("manage/<int:pk>/delete", views_manage.delete, name="delete"),
    path("manage/import", views_import.upload, name="import"),
    path("manage/import/<int:pk>/", views_import.preview, name="import_preview"),
    path(
        "manage/import/example.json",
        views_import.example,
        {"fmt": "json"},
        name="import_example_json",
    ),
    path(
        "manage/import/example.csv",
        views_import.example,
        {"fmt": "csv"},
        name="import_example_csv",
    ),
]
