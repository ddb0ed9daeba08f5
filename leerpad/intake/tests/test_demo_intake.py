"""The demo intake on top of the demo people: what the brief promises is there."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from leerpad.accounts import demo as accounts_demo
from leerpad.campaigns.models import Notification
from leerpad.core.demo import DemoContext
from leerpad.intake import demo, quarters, queries
from leerpad.intake.models import Capacity, Project, Request

pytestmark = pytest.mark.django_db


def test_demo_intake(django_capture_on_commit_callbacks: Any) -> None:
    ctx = DemoContext(rng=random.Random(1), password="x")
    accounts_demo.load(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(ctx)
    requests = Request.objects.all()
    assert requests.count() == 10
    languages = {r.requester.language for r in requests if r.requester}
    assert languages == {"nl", "fr", "en"}
    statuses = {r.status for r in requests}
    assert {"accepted", "parked", "declined", "scored", "new"} <= statuses
    project = Project.objects.get()
    assert project.milestones.count() == 4
    assert sum(1 for m in project.milestones.all() if m.done) == 2
    assert Capacity.objects.count() == 2
    parked = requests.get(status="parked")
    assert parked.revisit_on is not None
    # The declined requester has the notice in Leerpad; the demo sends no e-mail.
    declined = requests.get(status="declined")
    assert Notification.objects.filter(person=declined.requester).exists()
    assert mail.outbox == []
    # The plan for this quarter has something to choose.
    view = queries.plan_for(quarters.of(timezone.localdate()))
    assert view.plan is not None and view.rows
