from django.urls import path

from leerpad.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("generate", views.generate, name="generate"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/pdf", views.report_pdf, name="pdf"),
    path("<int:pk>/publish", views.publish, name="publish"),
    path("<int:pk>/regenerate", views.regenerate, name="regenerate"),
    path("<int:pk>/delete", views.delete, name="delete"),
    path("template/<str:language>/", views.edit_template, name="template"),
    path("template/<str:language>/preview", views.preview, name="preview"),
]
