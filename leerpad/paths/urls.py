"""The learner's and coach's pages of learning paths, at /paths/.

Fixed words come before `<key>/`: a path key is a slug and could otherwise shadow them
(`queries.RESERVED_KEYS` lists the words no path may take as its key).
"""

from django.urls import URLPattern, URLResolver, path

from leerpad.paths import views

app_name = "paths"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.path_list, name="list"),
    path("badges/<uuid:uid>/", views.badge, name="badge"),
    path("badges/<uuid:uid>/assertion.json", views.badge_json, name="badge_json"),
    path("certificates/<uuid:uid>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("signoffs/", views.signoffs, name="signoffs"),
    path("signoffs/<int:pk>/", views.decide, name="decide"),
    path("signoffs/attended/", views.attended, name="attended"),
    path("invitations/<int:pk>/accept/", views.accept_invitation, name="accept_invitation"),
    path("invitations/<int:pk>/decline/", views.decline_invitation, name="decline_invitation"),
    path("<slug:key>/", views.path_page, name="path"),
    path("<slug:key>/enrol/", views.enrol, name="enrol"),
    path("<slug:key>/pause/", views.pause, name="pause"),
    path("<slug:key>/resume/", views.resume, name="resume"),
    path("<slug:key>/leave/", views.leave, name="leave"),
    path("<slug:key>/reminders/", views.reminders, name="reminders"),
    path("<slug:key>/invite/", views.invite, name="invite"),
    path("<slug:key>/steps/<uuid:uid>/", views.step_page, name="step"),
    path("<slug:key>/steps/<uuid:uid>/done/", views.mark_done, name="mark_done"),
    path("<slug:key>/steps/<uuid:uid>/signoff/", views.ask_signoff, name="ask_signoff"),
]
