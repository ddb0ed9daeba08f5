"""The site's URLs plus one test-only view that shows one person's data behind the access
gate, as a real page of another app would."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, URLResolver, path

from leerpad import urls as site
from leerpad.accounts.models import Person
from leerpad.core.access import Capability, require
from leerpad.privacy.access import reason_required


def _subject(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(Person, pk=pk)


@require(Capability.ADMINISTER)
@reason_required("learning_record", _subject)
def person_record(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(f"RECORD-OF-PERSON-{pk}")


urlpatterns: list[URLPattern | URLResolver] = [
    path("privacy-test/person/<int:pk>/", person_record, name="privacy_test_person")
]
urlpatterns += site.urlpatterns  # type: ignore[arg-type]

handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500
