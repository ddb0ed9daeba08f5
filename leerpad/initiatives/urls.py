from django.urls import URLPattern, path

from leerpad.initiatives import views, views_board, views_plans

app_name = "initiatives"

urlpatterns: list[URLPattern] = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_new, name="new"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/edit/", views.initiative_edit, name="edit"),
    # Stakeholder map
    path("<int:pk>/stakeholders/", views.stakeholders, name="stakeholders"),
    path("<int:pk>/stakeholders/<int:sid>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path(
        "<int:pk>/stakeholders/<int:sid>/delete/",
        views.stakeholder_delete,
        name="stakeholder_delete",
    ),
    # Consultation plan and log
    path("<int:pk>/consultation/", views.consultation, name="consultation"),
    path("<int:pk>/consultation/suggest/", views.plan_suggest, name="plan_suggest"),
    path("<int:pk>/consultation/<int:sid>/move/", views.stakeholder_move, name="stakeholder_move"),
    path("<int:pk>/consultation/<int:sid>/log/", views.consultation_log, name="consultation_log"),
    # SWOT board
    path("<int:pk>/swot/", views_board.swot, name="swot"),
    path("<int:pk>/swot/add/", views_board.card_add, name="card_add"),
    path("<int:pk>/swot/<int:cid>/edit/", views_board.card_edit, name="card_edit"),
    path("<int:pk>/swot/<int:cid>/vote/", views_board.card_vote, name="card_vote"),
    path("<int:pk>/swot/<int:cid>/move/", views_board.card_move, name="card_move"),
    path("<int:pk>/swot/<int:cid>/merge/", views_board.card_merge, name="card_merge"),
    path("<int:pk>/swot/<int:cid>/delete/", views_board.card_delete, name="card_delete"),
    # Pros and cons
    path("<int:pk>/pros-cons/", views_board.pros_cons, name="pros_cons"),
    path("<int:pk>/pros-cons/<int:rid>/delete/", views_board.procon_delete, name="procon_delete"),
    # The brief
    path("<int:pk>/brief/", views_board.brief, name="brief"),
    path("<int:pk>/brief/story/", views_board.story_edit, name="story_edit"),
    # Annual plans
    path("plans/", views_plans.plans_now, name="plans_now"),
    path("plans/<int:year>/", views_plans.plans, name="plans"),
    path("plans/<int:year>/new/", views_plans.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/entries/new/", views_plans.entry_new, name="entry_new"),
    path("plans/entries/<int:entry_id>/edit/", views_plans.entry_edit, name="entry_edit"),
    path("plans/entries/<int:entry_id>/delete/", views_plans.entry_delete, name="entry_delete"),
]
