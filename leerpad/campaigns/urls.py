from django.urls import URLPattern, path

from leerpad.campaigns import views

app_name = "campaigns"

urlpatterns: list[URLPattern] = [
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_new, name="segment_new"),
    path("segments/builder/rules/", views.builder_rules, name="builder_rules"),
    path("segments/builder/audience/", views.builder_audience, name="builder_audience"),
    path("segments/<int:pk>/", views.segment_edit, name="segment_edit"),
    path("segments/<int:pk>/duplicate/", views.segment_duplicate, name="segment_duplicate"),
    path("segments/<int:pk>/delete/", views.segment_delete, name="segment_delete"),
]
