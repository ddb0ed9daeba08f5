from django.urls import URLPattern, URLResolver, path

from leerpad.quizzes import views, views_manage

app_name = "quizzes"

# The fixed prefixes first: "manage" and "attempts" are reserved quiz keys (services).
urlpatterns: list[URLPattern | URLResolver] = [
    path("manage/", views_manage.manage, name="manage"),
    path("manage/new", views_manage.quiz_edit, name="quiz_new"),
    path("manage/banks/", views_manage.banks, name="banks"),
    path("manage/banks/<slug:skill_key>/", views_manage.bank, name="bank"),
    path("manage/banks/<slug:skill_key>/new", views_manage.question_edit, name="question_new"),
    path("manage/questions/<int:pk>/", views_manage.question_edit, name="question_edit"),
    path(
        "manage/questions/<int:pk>/deactivate",
        views_manage.question_deactivate,
        name="question_deactivate",
    ),
    path(
        "manage/questions/<int:pk>/activate",
        views_manage.question_activate,
        name="question_activate",
    ),
    path("manage/<slug:key>/", views_manage.quiz_edit, name="quiz_edit"),
    path("manage/<slug:key>/pick", views_manage.quiz_pick, name="quiz_pick"),
    path("manage/<slug:key>/add", views_manage.quiz_add, name="quiz_add"),
    path("manage/<slug:key>/reorder", views_manage.quiz_reorder, name="quiz_reorder"),
    path("manage/<slug:key>/<int:pk>/move", views_manage.quiz_move, name="quiz_move"),
    path("manage/<slug:key>/<int:pk>/remove", views_manage.quiz_remove, name="quiz_remove"),
    path("attempts/<uuid:uid>/", views.attempt, name="attempt"),
    path("attempts/<uuid:uid>/result", views.result, name="result"),
    path("<slug:key>/", views.quiz, name="quiz"),
    path("<slug:key>/start", views.start, name="start"),
]
