"""A person's campaign data in their export and erasure; messages to accounts that were
deactivated after planning are not sent."""

from __future__ import annotations

from typing import Any, cast

from leerpad.accounts.models import Person
from leerpad.campaigns import outbox, services
from leerpad.campaigns.models import Delivery, Message, Notification, Preference
from leerpad.campaigns.tests.campaign_helpers import TUESDAY, campaign
from leerpad.privacy.signals import erase_personal_data, personal_data


def _sent_to(lena: Person) -> None:
    c = campaign((Message.Channel.EMAIL, Message.Channel.IN_APP))
    services.launch(c, now=TUESDAY)
    outbox.process(TUESDAY)


def test_export_lists_messages_notifications_and_preferences(lena: Person) -> None:
    _sent_to(lena)
    services.set_preferences(
        lena, opted_out=["slack"], quiet_start=None, quiet_end=None, time_zone="Europe/Paris"
    )
    sections: dict[str, Any] = dict(
        cast(tuple[str, Any], r) for _f, r in personal_data.send(sender=None, person=lena)
    )
    data = sections["campaigns"]
    assert data["preferences"]["opted_out"] == ["slack"]
    assert {m["channel"] for m in data["messages"]} == {"email", "in_app"}
    assert data["messages"][0]["content"]["hook"] == "Dag Lena"
    assert "link" not in data["messages"][0]["content"]  # the signed tokens stay out
    assert data["notifications"][0]["title"] == "Dag Lena"


def test_erasure_previews_then_deletes(lena: Person) -> None:
    _sent_to(lena)
    services.preference_of(lena)
    preview: dict[str, Any] = dict(
        cast(tuple[str, Any], r)
        for _f, r in erase_personal_data.send(sender=None, person=lena, dry_run=True)
    )
    assert preview["campaigns"] == {"messages": 2, "notifications": 1, "preferences": 1}
    assert Delivery.objects.filter(person=lena).count() == 2
    erase_personal_data.send(sender=None, person=lena, dry_run=False)
    assert not Delivery.objects.filter(person=lena).exists()
    assert not Notification.objects.filter(person=lena).exists()
    assert not Preference.objects.filter(person=lena).exists()


def test_deactivated_accounts_get_nothing(lena: Person) -> None:
    c = campaign()
    services.launch(c, now=TUESDAY)
    Person.objects.filter(pk=lena.pk).update(is_active=False)
    run = outbox.process(TUESDAY)
    assert (run.sent, run.skipped) == (0, 1)
    assert Delivery.objects.get().reason == Delivery.Reason.INACTIVE
