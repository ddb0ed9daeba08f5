from django.urls import URLPattern, path

from leerpad.campaigns import (
    views,
    views_campaigns,
    views_experiments,
    views_library,
    views_people,
    views_reports,
)

app_name = "campaigns"

urlpatterns: list[URLPattern] = [
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_new, name="segment_new"),
    path("segments/builder/rules/", views.builder_rules, name="builder_rules"),
    path("segments/builder/audience/", views.builder_audience, name="builder_audience"),
    path("segments/<int:pk>/", views.segment_edit, name="segment_edit"),
    path("segments/<int:pk>/duplicate/", views.segment_duplicate, name="segment_duplicate"),
    path("segments/<int:pk>/delete/", views.segment_delete, name="segment_delete"),
    # Campaigns (marketers)
    path("", views_campaigns.campaign_list, name="campaigns"),
    path("new/", views_campaigns.campaign_new, name="campaign_new"),
    path("calendar/", views_campaigns.calendar, name="calendar"),
    path(
        "preview/<str:channel>/<str:language>/",
        views_campaigns.message_preview,
        name="message_preview",
    ),
    path("<int:pk>/", views_campaigns.campaign_log, name="campaign_log"),
    path("<int:pk>/edit/", views_campaigns.campaign_edit, name="campaign_edit"),
    path("<int:pk>/launch/", views_campaigns.campaign_launch, name="campaign_launch"),
    path("<int:pk>/pause/", views_campaigns.campaign_pause, name="campaign_pause"),
    path("<int:pk>/cancel/", views_campaigns.campaign_cancel, name="campaign_cancel"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/retry/",
        views_campaigns.delivery_retry,
        name="delivery_retry",
    ),
    # Experiments (marketers)
    path("<int:pk>/experiment/", views_experiments.experiment_setup, name="experiment_setup"),
    path("<int:pk>/experiment/start/", views_experiments.experiment_start, name="experiment_start"),
    path("<int:pk>/experiment/stop/", views_experiments.experiment_stop, name="experiment_stop"),
    path(
        "<int:pk>/experiment/results/",
        views_experiments.experiment_results,
        name="experiment_results",
    ),
    # Everyone
    path("go/<str:token>/", views_people.go, name="go"),
    path("unsubscribe/<str:token>/", views_people.unsubscribe, name="unsubscribe"),
    path("preferences/", views_people.preferences, name="preferences"),
    path("notifications/", views_people.notifications, name="notifications"),
    path("notifications/read/", views_people.notification_read, name="notifications_read"),
    path("notifications/<int:pk>/read/", views_people.notification_read, name="notification_read"),
    # The message library (marketers)
    path("library/", views_library.library_list, name="library"),
    path("library/new/", views_library.library_new, name="library_new"),
    path("library/starters/", views_library.library_starters, name="library_starters"),
    path("library/preview/", views_library.library_preview, name="library_preview"),
    path(
        "library/from-message/<int:message_pk>/",
        views_library.library_from_message,
        name="library_from_message",
    ),
    path("library/picker/<str:channel>/", views_library.library_picker, name="library_picker"),
    path("library/fill/<str:channel>/", views_library.library_fill, name="library_fill"),
    path("library/<int:pk>/", views_library.library_detail, name="library_detail"),
    path("library/<int:pk>/edit/", views_library.library_edit, name="library_edit"),
    path("library/<int:pk>/duplicate/", views_library.library_duplicate, name="library_duplicate"),
    path("library/<int:pk>/delete/", views_library.library_delete, name="library_delete"),
    # Reports (marketers)
    path("reports/", views_reports.reports, name="reports"),
    path("<int:pk>/funnel/", views_reports.campaign_funnel_view, name="campaign_funnel"),
]
