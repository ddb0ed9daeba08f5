from django.urls import URLPattern, path

from leerpad.voice import views

app_name = "voice"

urlpatterns: list[URLPattern] = [
    path("", views.space_list, name="spaces"),
    path("new/", views.space_new, name="space_new"),
    path("<int:pk>/", views.space_detail, name="space"),
    path("<int:pk>/ask/", views.ask, name="ask"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/facilitate/", views.facilitate, name="facilitate"),
    path("<int:pk>/themes/new/", views.theme_new, name="theme_new"),
    path("<int:pk>/pulses/new/", views.pulse_new, name="pulse_new"),
    path("themes/<int:pk>/answer/", views.theme_answer, name="theme_answer"),
    path("questions/<uuid:pk>/hide/", views.question_hide, name="question_hide"),
    path("questions/<uuid:pk>/unhide/", views.question_unhide, name="question_unhide"),
    path("questions/<uuid:pk>/theme/", views.question_theme, name="question_theme"),
    path("questions/<uuid:pk>/answer/", views.question_answer, name="question_answer"),
    path("pulses/<int:pk>/", views.pulse_answer, name="pulse"),
    path("pulses/<int:pk>/open/", views.pulse_open, name="pulse_open"),
    path("pulses/<int:pk>/close/", views.pulse_close, name="pulse_close"),
    path("pulses/<int:pk>/results/", views.pulse_results, name="pulse_results"),
]
