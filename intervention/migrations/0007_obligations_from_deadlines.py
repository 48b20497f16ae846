"""Turn what a database recorded before obligations existed into obligations, keeping every fact.

Before, a notice's due dates were `Deadline` rows (shared by several things owed) and what was
recorded lived on the requirement, the plan, the Board report and the notice. Each thing owed
becomes one obligation with its own due date (copied from its deadline) and the facts recorded
for it; reminders and escalations are pointed at the obligation they were about. Each obligation
gets two history rows, owed from the day the notice was given and then as recorded, so the case
as it stood can be rebuilt (the intermediate steps of the old record are kept in its own history).
"""

import datetime

from django.db import migrations
from django.utils import timezone

REASON = "converted from the record kept before obligations"
ENDED = "The notice had ended when the record was converted."


def _due(obligation, deadline, no_date):
    if deadline is None:
        obligation.unit, obligation.no_date_reason, obligation.due_on = "", no_date, None
        return
    obligation.unit = deadline.unit
    obligation.no_date_reason = ""
    obligation.start_on = deadline.start_on
    obligation.count = deadline.count
    obligation.due_on = deadline.due_on
    obligation.basis = deadline.basis
    obligation.skipped = deadline.skipped or []


def forwards(apps, schema_editor):
    WarningNotice = apps.get_model("intervention", "WarningNotice")
    Deadline = apps.get_model("intervention", "Deadline")
    Requirement = apps.get_model("intervention", "Requirement")
    HistoricalRequirement = apps.get_model("intervention", "HistoricalRequirement")
    ImprovementPlan = apps.get_model("intervention", "ImprovementPlan")
    BoardReport = apps.get_model("intervention", "BoardReport")
    Submission = apps.get_model("intervention", "Submission")
    Obligation = apps.get_model("intervention", "Obligation")
    HistoricalObligation = apps.get_model("intervention", "HistoricalObligation")
    Reminder = apps.get_model("intervention", "Reminder")
    Escalation = apps.get_model("intervention", "Escalation")
    now = timezone.now()
    fields = [f.attname for f in Obligation._meta.concrete_fields if f.attname != "id"]

    def changed_on_for(requirement, fallback):
        row = HistoricalRequirement.objects.filter(id=requirement.pk).order_by("-history_date").first()
        return max(fallback, timezone.localdate(row.history_date)) if row else fallback

    def save(obligation, *, state="open", **facts):
        """Save an obligation owed from the notice's date, then with the facts recorded, with history.

        The state is written with update(): in a migration the state field still refuses assignment.
        """
        opened = obligation.opened_on
        obligation.changed_on = opened
        obligation.save()
        values = {name: getattr(obligation, name) for name in fields}
        HistoricalObligation.objects.create(
            id=obligation.pk, history_date=now, history_type="+", history_change_reason=REASON, **values
        )
        if state == "open":
            return obligation
        final = {**facts, "state": state, "changed_on": max(opened, facts.get("changed_on") or opened)}
        Obligation.objects.filter(pk=obligation.pk).update(**final)
        values.update(final)
        HistoricalObligation.objects.create(
            id=obligation.pk,
            history_date=now + datetime.timedelta(microseconds=1),
            history_type="~",
            history_change_reason=REASON,
            **values,
        )
        return obligation

    for notice in WarningNotice.objects.exclude(given_on=None):
        given = notice.given_on
        deadlines = {d.pk: d for d in Deadline.objects.filter(notice=notice)}
        by_kind = {d.kind: d for d in deadlines.values() if d.kind in ("compliance", "laying", "report")}
        compliance = by_kind.get("compliance")
        ended_on = None
        if notice.state != "issued":
            ended_on = max(given, timezone.localdate(notice.updated_at))
            notice.ended_on = ended_on
        if compliance is not None:
            notice.compliance_ends_on = compliance.due_on
            notice.compliance_basis = compliance.basis[:300]
        notice.save()
        owed_of = {}

        def settled_if_ended(facts):
            if ended_on is not None and facts.get("state", "open") in ("open", "submitted", "returned"):
                return {"state": "not_required", "not_required_on": ended_on, "settled_reason": ENDED,
                        "changed_on": ended_on}
            return facts

        for requirement in Requirement.objects.filter(notice=notice).order_by("position", "letter"):
            deadline = deadlines.get(requirement.deadline_id)
            obligation = Obligation(
                notice=notice,
                kind="requirement",
                owner="council",
                requirement=requirement,
                position=requirement.position * 100,
                opened_on=given,
                follows_compliance_period=deadline is not None and deadline.kind == "compliance",
            )
            _due(obligation, deadline, "continuing" if requirement.kind == "continuing_condition" else "not_set")
            submissions = Submission.objects.filter(requirement=requirement).order_by("-submitted_at")
            facts = {}
            when = changed_on_for(requirement, given)
            if requirement.state == "submitted":
                latest = submissions.filter(decision="pending").first()
                on = timezone.localdate(latest.submitted_at) if latest else when
                facts = {"state": "submitted", "submitted_on": on, "changed_on": on}
            elif requirement.state == "returned":
                facts = {"state": "returned", "changed_on": when}
            elif requirement.state == "accepted":
                accepted = submissions.filter(decision="accepted").first()
                met_on = timezone.localdate(accepted.submitted_at) if accepted else when
                facts = {"state": "met", "met_on": max(met_on, given), "changed_on": when}
            elif requirement.state == "withdrawn":
                facts = {"state": "not_required", "not_required_on": when, "settled_reason": REASON,
                         "changed_on": when}
            elif requirement.state == "breached":
                facts = {"state": "breached", "breached_on": when, "changed_on": when}
            owed_of[("requirement", requirement.pk)] = save(obligation, **settled_if_ended(facts))

        plan = ImprovementPlan.objects.filter(notice=notice).first()
        if plan is not None:
            deadline = deadlines.get(plan.deadline_id)
            obligation = Obligation(
                notice=notice, kind="improvement_plan", owner="council", position=90_000, opened_on=given,
                follows_compliance_period=True,
            )
            _due(obligation, deadline, "not_set")
            facts = {}
            if plan.state in ("submitted", "agreed") and plan.submitted_on:
                facts = {"state": "met", "met_on": plan.submitted_on, "changed_on": plan.submitted_on,
                         "source": plan.document_reference}
            owed_of["plan"] = save(obligation, **settled_if_ended(facts))
            agreement = Obligation(
                notice=notice, kind="plan_agreement", owner="council", position=90_001, opened_on=given
            )
            _due(agreement, None, "not_set")
            facts = {}
            if plan.state == "agreed" and plan.agreed_on:
                facts = {"state": "met", "met_on": plan.agreed_on, "changed_on": plan.agreed_on}
            save(agreement, **settled_if_ended(facts))

        for index, report in enumerate(BoardReport.objects.filter(notice=notice).order_by("month")):
            obligation = Obligation(
                notice=notice, kind="board_report", owner="council", board_report=report,
                requirement_id=report.requirement_id, position=90_003 + index, opened_on=given,
            )
            _due(obligation, deadlines.get(report.deadline_id), "not_set")
            facts = {}
            if report.state == "submitted" and report.submitted_on:
                facts = {"state": "met", "met_on": report.submitted_on, "changed_on": report.submitted_on,
                         "source": report.document_reference}
            owed_of[("deadline", report.deadline_id)] = save(obligation, **settled_if_ended(facts))

        for kind, deadline_kind, done_on, reference, position in (
            ("laying", "laying", notice.laid_on, notice.laying_reference, 100_000),
            ("legislature_report", "report", notice.reported_on, notice.report_reference, 100_001),
        ):
            obligation = Obligation(
                notice=notice, kind=kind, owner="ministers", position=position, opened_on=given
            )
            _due(obligation, by_kind.get(deadline_kind), "not_set")
            if obligation.due_on is None:
                obligation.due_on = given + datetime.timedelta(days=21 if kind == "laying" else 90)
                obligation.unit, obligation.no_date_reason = "calendar_days", ""
                obligation.start_on, obligation.count = given, 21 if kind == "laying" else 90
                obligation.basis = REASON
            facts = {}
            if done_on:
                facts = {"state": "met", "met_on": done_on, "changed_on": done_on, "source": reference or REASON}
            owed_of[deadline_kind] = save(obligation, **facts)

        for reminder in Reminder.objects.filter(deadline__notice=notice):
            deadline = deadlines.get(reminder.deadline_id)
            target = None
            if reminder.requirement_id:
                target = owed_of.get(("requirement", reminder.requirement_id))
            elif deadline is not None and deadline.kind == "compliance":
                target = owed_of.get("plan")
            elif deadline is not None and deadline.kind in ("laying", "report"):
                target = owed_of.get(deadline.kind)
            elif deadline is not None and deadline.kind == "board_report":
                target = owed_of.get(("deadline", deadline.pk))
            elif deadline is not None:
                requirement = Requirement.objects.filter(deadline=deadline).first()
                target = owed_of.get(("requirement", requirement.pk)) if requirement else None
            if target is None:
                reminder.delete()  # about a date nothing is owed against any more
            else:
                reminder.obligation = target
                reminder.save(update_fields=["obligation"])

        for escalation in Escalation.objects.filter(requirement__notice=notice):
            escalation.obligation = owed_of.get(("requirement", escalation.requirement_id))
            escalation.save(update_fields=["obligation"])
    Escalation.objects.filter(obligation__isnull=True, finding__isnull=True).update(source="overdue_obligation")
    Escalation.objects.filter(source="overdue_requirement").update(source="overdue_obligation")
    # A reminder of a notice never given (there are none) would have nothing to point at.
    Reminder.objects.filter(obligation__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("intervention", "0006_obligations")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
