from django.urls import URLPattern, URLResolver, path

from leerpad.skills import views, views_esco, views_mine, views_social

app_name = "skills"

urlpatterns: list[URLPattern | URLResolver] = [
    # My skills: the page every learner has.
    path("", views_mine.mine, name="mine"),
    path("mine/add/", views_mine.claim_add, name="claim_add"),
    path("mine/sharing/", views_mine.sharing, name="sharing"),
    path("mine/<slug:key>/", views_mine.claim, name="claim"),
    path("mine/<slug:key>/remove/", views_mine.claim_remove, name="claim_remove"),
    path("gaps/", views_mine.gaps, name="gaps"),
    path("groups/", views_mine.group_gaps, name="group_gaps"),
    # The taxonomy.
    path("taxonomy/", views.taxonomy, name="taxonomy"),
    path("taxonomy/options/", views.skill_options, name="skill_options"),
    path("taxonomy/new/", views.skill_create, name="skill_create"),
    path("taxonomy/<slug:key>/", views.skill_detail, name="skill"),
    path("taxonomy/<slug:key>/edit/", views.skill_edit, name="skill_edit"),
    path("esco/", views_esco.upload, name="esco_import"),
    path("esco/<int:pk>/", views_esco.preview, name="esco_preview"),
    # Job role profiles.
    path("roles/", views.roles, name="roles"),
    path("roles/<int:pk>/", views.role, name="role"),
    path("roles/<int:pk>/lines/<int:line_pk>/", views.role_line, name="role_line"),
    path(
        "roles/<int:pk>/lines/<int:line_pk>/remove/",
        views.role_line_remove,
        name="role_line_remove",
    ),
    # Learning from each other.
    path("colleagues/", views_social.colleagues, name="colleagues"),
    path("colleagues/<int:person_pk>/ask/<slug:key>/", views_social.ask, name="ask"),
    path(
        "conversations/<int:pk>/answer/",
        views_social.conversation_answer,
        name="conversation_answer",
    ),
    path(
        "conversations/<int:pk>/withdraw/",
        views_social.conversation_withdraw,
        name="conversation_withdraw",
    ),
    path("opportunities/", views_social.opportunities, name="opportunities"),
    path("opportunities/new/", views_social.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views_social.opportunity, name="opportunity"),
    path("opportunities/<int:pk>/close/", views_social.opportunity_close, name="opportunity_close"),
]
