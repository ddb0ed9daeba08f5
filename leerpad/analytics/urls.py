from django.urls import path

from leerpad.analytics import (
    views,
    views_content,
    views_outcomes,
    views_paths,
    views_routes,
    views_skills,
)

app_name = "analytics"

urlpatterns = [
    path("", views.adoption, name="adoption"),
    path("paths/", views_paths.paths, name="paths"),
    path("paths/<slug:key>/", views_paths.path_funnel, name="path_funnel"),
    path("paths/<slug:key>/v<int:number>/", views_paths.path_funnel, name="path_version"),
    path(
        "paths/<slug:key>/compare/",
        views_paths.path_funnel,
        {"compare": True},
        name="path_compare",
    ),
    path(
        "paths/<slug:key>/v<int:number>/suggestions/<str:skey>/accept",
        views_paths.accept_suggestion,
        name="accept_suggestion",
    ),
    path(
        "paths/<slug:key>/v<int:number>/suggestions/<str:skey>/dismiss",
        views_paths.dismiss_suggestion,
        name="dismiss_suggestion",
    ),
    path("content/", views_content.content, name="content"),
    path("skills/", views_skills.skills, name="skills"),
    path("outcomes/", views_outcomes.outcomes_page, name="outcomes"),
    path("paths/<str:key>/routes/", views_routes.path_routes, name="path_routes"),
    path("paths/<str:key>/evidence/", views_routes.path_evidence, name="path_evidence"),
]
