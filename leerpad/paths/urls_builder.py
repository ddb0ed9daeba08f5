"""The path builder for L&D, mounted at /paths/manage/ (path keys "manage" and "badges"
are reserved so that the learner's /paths/<key>/ never clashes with these pages)."""

from django.urls import URLPattern, URLResolver, path

from leerpad.paths import views_builder as views

app_name = "paths_builder"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.path_list, name="list"),
    path("new", views.create, name="new"),
    path("<slug:key>/", views.builder_page, name="builder"),
    path("<slug:key>/draft", views.start_draft, name="draft"),
    path("<slug:key>/details", views.save_settings, name="settings"),
    path("<slug:key>/search", views.search_items, name="search"),
    path("<slug:key>/steps/add-item", views.add_item, name="add_item"),
    path("<slug:key>/steps/add-quiz", views.add_quiz, name="add_quiz"),
    path("<slug:key>/steps/add-assignment", views.add_assignment, name="add_assignment"),
    path("<slug:key>/steps/order", views.reorder, name="reorder"),
    path("<slug:key>/steps/<int:pk>/", views.edit_step, name="step"),
    path("<slug:key>/steps/<int:pk>/move", views.move_step, name="move_step"),
    path("<slug:key>/steps/<int:pk>/remove", views.remove_step, name="remove_step"),
    path("<slug:key>/preview", views.preview, name="preview"),
    path("<slug:key>/publish", views.publish, name="publish"),
    path("<slug:key>/discard", views.discard, name="discard"),
    path("<slug:key>/versions", views.versions, name="versions"),
    path("<slug:key>/versions/move", views.move_learners, name="move_learners"),
    path("<slug:key>/certificates", views.certificates, name="certificates"),
    path(
        "<slug:key>/certificates/<uuid:uid>/revoke",
        views.revoke_certificate,
        name="revoke_certificate",
    ),
    path(
        "<slug:key>/certificates/<uuid:uid>/reinstate",
        views.reinstate_certificate,
        name="reinstate_certificate",
    ),
    path("<slug:key>/archive", views.archive, name="archive"),
    path("<slug:key>/unarchive", views.unarchive, name="unarchive"),
]
