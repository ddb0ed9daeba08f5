"""xAPI resources under /xapi/ (no trailing slashes: xAPI clients append paths as-is)."""

from django.urls import path

from leerpad.lrs import views_about, views_documents, views_statements

app_name = "lrs"

urlpatterns = [
    path("about", views_about.about, name="about"),
    path("statements", views_statements.statements, name="statements"),
    path("activities/state", views_documents.activity_state, name="activity_state"),
    path("activities/profile", views_documents.activity_profile, name="activity_profile"),
    path("activities", views_documents.activities, name="activities"),
    path("agents/profile", views_documents.agent_profile, name="agent_profile"),
    path("agents", views_documents.agents, name="agents"),
]
