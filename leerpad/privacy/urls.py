from django.urls import path

from leerpad.privacy import views, views_ops

app_name = "privacy"

urlpatterns = [
    path("", views.about, name="about"),
    path("my-data/", views_ops.my_data_page, name="my_data_page"),
    path("my-data/access/", views.my_access, name="my_access"),
    path("my-data/record/", views.my_record, name="my_record"),
    path("my-data/export.json", views.my_data, name="my_data"),
    path("my-data/coach/share/", views_ops.coach_share, name="coach_share"),
    path("my-data/coach/withdraw/", views_ops.coach_withdraw, name="coach_withdraw"),
    path("coachees/", views_ops.coachees, name="coachees"),
    path("coachees/<int:pk>/", views_ops.coachee, name="coachee"),
    path("access/", views.all_access, name="all_access"),
    path("exports/", views_ops.export_page, name="exports"),
    path("retention/", views_ops.retention_page, name="retention"),
    path("retention/run/", views_ops.retention_run, name="retention_run"),
    path("erasure/", views_ops.erasure_page, name="erasure"),
    path("erasure/<int:pk>/", views_ops.erasure_person, name="erasure_person"),
]
