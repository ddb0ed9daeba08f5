"""Playing e-learning packages, mounted at /catalog/packages/."""

from django.urls import path

from leerpad.catalog import views_launch

app_name = "catalog_launch"

urlpatterns = [
    path("<int:item_id>/launch", views_launch.launch, name="launch"),
    path("<int:item_id>/files/<path:path>", views_launch.package_file, name="file"),
    path("<int:item_id>/scorm", views_launch.scorm_report, name="scorm"),
    path("<int:item_id>/fetch/<str:token>", views_launch.cmi5_fetch, name="fetch"),
]
