from django.urls import URLPattern, path

from leerpad.sparks import views

app_name = "sparks"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    # Everyone
    path("send/", views.send, name="send"),
    path("sent/<int:pk>/", views.thanks, name="thanks"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/media/<str:part>/", views.media, name="media"),
    # The workspace
    path("board/", views.board, name="board"),
    path("<int:pk>/", views.spark, name="spark"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/link/", views.link, name="link"),
    path("<int:pk>/unlink/", views.unlink, name="unlink"),
    path("<int:pk>/pick/<str:what>/", views.pick, name="pick"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/<int:pk>/delete/", views.visit_delete, name="visit_delete"),
    path("locations/", views.locations, name="locations"),
]
