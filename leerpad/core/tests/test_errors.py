from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unknown_host_gets_the_friendly_400_page(client: Client) -> None:
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "did not make sense" in response.content.decode()


def test_server_errors_get_a_page_that_needs_no_database(client: Client) -> None:
    from leerpad.core.views import error_500

    response = error_500(client.get("/healthz").wsgi_request)
    assert response.status_code == 500
    assert "nothing you entered was half-saved" in response.content.decode()
