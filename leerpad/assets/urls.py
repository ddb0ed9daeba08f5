from django.urls import URLPattern, path

from leerpad.assets import views

app_name = "assets"

urlpatterns: list[URLPattern] = [
    path("", views.library, name="library"),
    path("new/", views.asset_new, name="new"),
    path("<int:pk>/", views.asset, name="asset"),
    path("<int:pk>/edit/", views.asset_edit, name="edit"),
    path("<int:pk>/versions/new/", views.version_new, name="version_new"),
    path("<int:pk>/consents/new/", views.consent_new, name="consent_new"),
    path("people/", views.people, name="people"),
    path("<int:pk>/places/", views.places, name="places"),
    path("<int:pk>/places/add/", views.use_add, name="use_add"),
    path("versions/<int:pk>/download/", views.download, name="download"),
    path("versions/<int:pk>/thumbnail/", views.thumbnail, name="thumbnail"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<int:pk>/proof/", views.consent_proof, name="consent_proof"),
    path("uses/<int:pk>/remove/", views.use_remove, name="use_remove"),
]
