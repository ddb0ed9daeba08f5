from django.urls import URLPattern, path

from leerpad.intake import views

app_name = "intake"

urlpatterns: list[URLPattern] = [
    # Everyone
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="request"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # The LD&M team
    path("", views.board, name="board"),
    path("plan/", views.plan, name="plan"),
    path("column/<slug:key>/", views.column, name="column"),
    path("<int:pk>/score/", views.score, name="score"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/close/", views.project_close, name="project_close"),
    path("projects/<int:pk>/initiative/", views.project_initiative, name="project_initiative"),
    path("milestones/<int:pk>/tick/", views.milestone_tick, name="milestone_tick"),
    # LD&M managers
    path("<int:pk>/decide/<str:kind>/", views.decide, name="decide"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/pin/", views.pin, name="pin"),
    path("plan/accept/", views.plan_accept, name="plan_accept"),
    path("capacity/", views.capacity, name="capacity"),
    path("weights/", views.weights, name="weights"),
    path("projects/<int:pk>/owner/", views.project_owner, name="project_owner"),
]
