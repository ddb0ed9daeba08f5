from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from leerpad.api import api
from leerpad.core import views as core_views

admin.site.site_header = "Leerpad"
admin.site.site_title = "Leerpad"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("leerpad.accounts.urls")),
    path("xapi/", include("leerpad.lrs.urls")),
    path("catalog/packages/", include("leerpad.catalog.urls_launch")),
    path("catalogue/", include("leerpad.catalog.urls")),
    path("api/v1/", api.urls),
    path("records/", include("leerpad.lrs.urls_admin")),
    path("search/", include("leerpad.search.urls")),
    # The builder first: "manage/" would otherwise be read as a path key.
    path("paths/manage/", include("leerpad.paths.urls_builder")),
    path("paths/", include("leerpad.paths.urls")),
    path("quizzes/", include("leerpad.quizzes.urls")),
    path("skills/", include("leerpad.skills.urls")),
    path("for-you/", include("leerpad.recommend.urls")),
    path("privacy/", include("leerpad.privacy.urls")),
    path("analytics/", include("leerpad.analytics.urls")),
    path("campaigns/", include("leerpad.campaigns.urls")),
    path("reports/", include("leerpad.reports.urls")),
    path("workspace/", core_views.workspace, name="workspace"),
    path("workspace/requests/", include("leerpad.intake.urls")),
    path("workspace/initiatives/", include("leerpad.initiatives.urls")),
    path("workspace/voice/", include("leerpad.voice.urls")),
    path("workspace/sparks/", include("leerpad.sparks.urls")),
    path("workspace/assets/", include("leerpad.assets.urls")),
    path("django-admin/", admin.site.urls),
    path("", include("leerpad.core.urls")),
]

handler400 = "leerpad.core.views.error_400"
handler403 = "leerpad.core.views.error_403"
handler404 = "leerpad.core.views.error_404"
handler500 = "leerpad.core.views.error_500"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
