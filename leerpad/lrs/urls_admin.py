"""The records pages under /records/: statement browser and LRS clients (people, not
xAPI tools: those use /xapi/, `leerpad.lrs.urls`)."""

from django.urls import path

from leerpad.lrs import views_admin

app_name = "records"

urlpatterns = [
    path("", views_admin.statements, name="statements"),
    path("statements/<uuid:statement_id>/", views_admin.statement, name="statement"),
    path("clients/", views_admin.clients, name="clients"),
    path("clients/new/", views_admin.client_create, name="client_create"),
    path("clients/<int:pk>/revoke/", views_admin.client_revoke, name="client_revoke"),
    path("clients/<int:pk>/reactivate/", views_admin.client_reactivate, name="client_reactivate"),
]
