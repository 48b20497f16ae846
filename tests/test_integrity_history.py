"""Every change to an audited row is in its history: the emails about escalations included.

Emailing a person about an escalation, and reminding them, is claimed in the database before the
email goes, so two runs at once send it once. The claim was a QuerySet.update, which writes no
history row; now the claim, the email sent or failed, and the undoing of a failed claim are each a
history row of the person addressed, and a claim someone else made first writes nothing.
"""

import datetime
import re
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core import mail

from inspections import services as inspection_services
from inspections.choices import FindingKind, FindingTheme
from intervention.choices import SeniorPosition
from intervention.escalations import services as escalation_services
from intervention.models import Escalation, EscalationRecipient, SeniorContact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLISHED_ON = datetime.date(2017, 10, 17)  # a Tuesday
REMINDER_DAY = datetime.date(2017, 10, 19)  # two working days later


@pytest.fixture
def recipient(powys, inspector):
    """Powys's leader, addressed by the escalation of a serious concern; not emailed yet."""
    leader = UserFactory(username="powys-leader", organisation=powys, email="leader@example.gov.wales")
    SeniorContact.objects.create(council=powys, user=leader, position=SeniorPosition.LEADER)
    inspection = inspection_services.inspection_create(
        by=inspector, council=powys, title="Inspection", service_area="children", inspection_type="planned"
    )
    inspection_services.inspection_start_fieldwork(inspection=inspection, by=inspector)
    inspection_services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=FindingKind.SERIOUS_CONCERN,
        text="No record of statutory visits for six months.",
    )
    inspection_services.inspection_issue_draft(
        inspection=inspection, by=inspector, on=datetime.date(2017, 9, 5)
    )
    # Published without running the on-commit email, so each test sends it itself.
    inspection_services.inspection_publish(inspection=inspection, by=inspector, on=PUBLISHED_ON)
    return EscalationRecipient.objects.get(escalation=Escalation.objects.get(), user=leader)


def rows(recipient) -> list[tuple]:
    """The recipient's history after it was addressed: why, whether emailed, reminders sent."""
    history = recipient.history.order_by("history_date", "history_id")
    return [(r.history_change_reason, r.notified_at is not None, r.reminders_sent) for r in history][1:]


def deliver(recipient) -> int:
    return escalation_services.deliver_escalation(escalation_id=recipient.escalation_id)


def test_the_first_email_is_claimed_and_sent_with_a_history_row_for_each(recipient):
    assert deliver(recipient) == 1

    recipient.refresh_from_db()
    assert recipient.notified_at is not None
    assert rows(recipient) == [("emailing", True, 0), ("emailed", True, 0)]
    assert recipient.history.latest().notified_at == recipient.notified_at


def test_a_failed_email_is_undone_in_the_history_too_and_sent_by_the_next_run(recipient):
    with mock.patch.object(escalation_services, "send_mail", side_effect=OSError("Connection refused")):
        assert deliver(recipient) == 0

    recipient.refresh_from_db()
    assert recipient.notified_at is None
    assert rows(recipient) == [("emailing", True, 0), ("email failed: OSError: Connection refused", False, 0)]

    assert deliver(recipient) == 1
    assert [reason for reason, *_rest in rows(recipient)][-2:] == ["emailing", "emailed"]


def test_an_email_another_run_claimed_first_is_neither_sent_nor_recorded_again(recipient):
    deliver(recipient)
    sent, before = len(mail.outbox), rows(recipient)
    stale = EscalationRecipient.objects.get(pk=recipient.pk)
    stale.notified_at = None  # as a run that read the row before the first run claimed it

    run = escalation_services.EmailRun()
    stale.escalation = recipient.escalation
    escalation_services._deliver(stale, run)

    assert run.sent == [] and len(mail.outbox) == sent
    assert rows(recipient) == before


def test_a_reminder_is_claimed_sent_and_undone_on_failure_with_history_rows(recipient):
    deliver(recipient)

    with mock.patch.object(escalation_services, "send_mail", side_effect=OSError("Timed out")):
        escalation_services.send_escalation_reminders(today=REMINDER_DAY)
    recipient.refresh_from_db()
    assert (recipient.last_reminded_on, recipient.reminders_sent) == (None, 0)

    escalation_services.send_escalation_reminders(today=REMINDER_DAY)
    recipient.refresh_from_db()
    assert (recipient.last_reminded_on, recipient.reminders_sent) == (REMINDER_DAY, 1)
    assert rows(recipient)[2:] == [
        ("reminding", True, 1),
        ("reminder failed: OSError: Timed out", True, 0),
        ("reminding", True, 1),
        ("reminded", True, 1),
    ]


def test_no_audited_model_is_changed_by_a_bulk_update_in_the_application_code():
    """QuerySet.update and bulk_update write no history: the one use left writes its row itself."""
    audited = {model.__name__ for model in apps.get_models() if hasattr(model, "history")}
    root = Path(__file__).resolve().parent.parent
    uses = []
    for package in ("accounts", "inspections", "intervention"):
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                model = re.search(r"(\w+)\.objects\..*\.(update|bulk_update)\(", line)
                if model and model.group(1) in audited:
                    uses.append(f"{path.relative_to(root)}:{number}")
    # The claim of an escalation email, whose history row _change_if_unchanged writes (tested above);
    # and marking a notification read, which sets only read_at, a field its history leaves out.
    assert [use.split(":")[0] for use in uses] == [
        "intervention/escalations/services.py",
        "intervention/notifications/services.py",
    ], uses


def test_marking_a_notification_read_changes_only_what_its_history_leaves_out():
    from intervention.models import Notification

    tracked = {field.name for field in Notification.history.model._meta.fields}
    assert "read_at" not in tracked
    assert {"recipient", "subject", "body", "path", "emailed_at"} <= tracked
