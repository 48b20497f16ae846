"""Opening and closing an intervention case."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import (
    apply_transition,
    check_not_future,
)
from accounts.choices import OrganisationKind
from inspections.choices import Confidence
from inspections.models import Inspection

from .. import calendars, permissions
from ..casework import services as casework_services
from ..choices import (
    LIVE_STATES,
    OWED_STATES,
    NoticeKind,
    NoticeState,
    ObligationKind,
    Owner,
    StatementPurpose,
)
from ..models import (
    Appointment,
    Board,
    BoardRemitChange,
    CaseEvent,
    ImprovementPlan,
    InterventionCase,
    Obligation,
    PlanMilestone,
    Statement,
    WarningNotice,
)
from ..models.arc import check_precision
from ..obligations import services as obligation_services
from ..powers.services import require_case_open

if TYPE_CHECKING:
    from accounts.models import Organisation, User
from ..checks import check_past, clean_and_save, require, require_reason

# Cases ------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    by: User,
    council: Organisation,
    title: str,
    service_area: str,
    opened_on: datetime.date,
    regime: str = "",
    inspections: Iterable[Inspection] = (),
) -> InterventionCase:
    """Open an intervention case for a council's service area."""
    require(permissions.can_create_case(by))
    if council.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError({"council": _("Choose a council.")})
    check_not_future(opened_on, what=_("The date the case was opened"))
    case = InterventionCase(council=council, title=title, service_area=service_area, opened_on=opened_on)
    if regime:
        case.regime = regime
    clean_and_save(case, by=by, reason="create")
    inspections = list(inspections)
    if any(i.council_id != council.pk for i in inspections):
        raise ValidationError({"inspections": _("Choose inspections of this council.")})
    if inspections:
        case._history_user, case._change_reason = by, "create: inspections linked"
        case.inspections.set(inspections)
        del case._history_user, case._change_reason
    return case


@transaction.atomic
def case_close(
    *, case: InterventionCase, by: User, on: datetime.date, minister: str, decision: str, source: str
) -> InterventionCase:
    """Record the Ministers' dated decision that the case is over, with its minister and source.

    Every notice still in force ends with the case, and everything the council still owes under
    the case (under notices, directions and inspection reports) is settled as no longer required,
    with the decision as the reason. Refused while a power to intervene is live or a Ministers'
    own s151(3) duty is unrecorded (case.close's conditions).
    """
    require(permissions.can_manage_case(case, by))
    require_reason(decision, _("Enter the Ministers' decision to close the case."))
    if not minister.strip():
        raise ValidationError({"minister": _("Enter the Minister who decided.")})
    if not source.strip():
        raise ValidationError({"source": _("Enter where the decision is recorded.")})
    check_past(on, what=_("The date of the decision"))
    if on < case.opened_on:
        raise ValidationError({"on": _("The case cannot close before it opened.")})
    apply_transition(
        case,
        "close",
        by=by,
        reason=decision,
        occurred_on=on,
        on=on,
        minister=minister.strip(),
        decision=decision.strip(),
        source=source.strip(),
    )
    why = _("The Welsh Ministers closed the case on %(date)s (%(minister)s): %(decision)s") % {
        "date": calendars.format_date(on),
        "minister": minister.strip(),
        "decision": decision.strip(),
    }
    for notice in case.notices.filter(state=NoticeState.ISSUED).order_by("-kind", "given_on", "pk"):
        if notice.given_on and on < notice.given_on:
            raise ValidationError({"on": _("The case cannot close before a notice on it was given.")})
        notice._case_closing = True
        apply_transition(
            notice, "end_with_case", by=by, reason=why, occurred_on=on, on=on, closing_reason=why
        )
        casework_services.close_pending_submissions(notice, by=by, reason=why)
    owed = Obligation.objects.filter(notice__case=case, owner=Owner.COUNCIL, state__in=LIVE_STATES)
    for obligation in owed.order_by("notice_id", "position", "pk"):
        obligation_services.release(obligation, by=by, on=max(on, obligation.opened_on), reason=why)
    return case


@transaction.atomic
def case_reopen(*, case: InterventionCase, by: User, on: datetime.date, reason: str) -> InterventionCase:
    """Reopen a closed case, saying why; the closing decision stays in its history."""
    require(permissions.can_manage_case(case, by))
    require_reason(reason, _("Enter why the case is reopened."))
    check_past(on, what=_("The date it was reopened"))
    if case.closed_on and on < case.closed_on:
        raise ValidationError({"on": _("The case cannot reopen before it closed.")})
    return apply_transition(case, "reopen", by=by, reason=reason, occurred_on=on, on=on)


# The arc of the case: statements, boards, appointments, inspections, events --------------------


def _sourced(source: str) -> str:
    if not source or not source.strip():
        raise ValidationError({"source": _("Enter where this is recorded: a reference or link.")})
    return source.strip()


@transaction.atomic
def statement_record(
    *,
    case: InterventionCase,
    by: User,
    kind: str,
    purpose: str,
    made_on: datetime.date,
    minister: str,
    title: str,
    source: str,
    url: str = "",
    notice: WarningNotice | None = None,
    confidence: str = Confidence.VERIFIED,
) -> Statement:
    """Record a Minister's statement to the legislature; a 90-day report or a laying statement
    about a notice also records that duty as done on the day (if it is still owed)."""
    require(permissions.can_manage_case(case, by))
    require_case_open(case)
    check_past(made_on, what=_("The date of the statement"), field="made_on")
    if notice is not None and notice.case_id != case.pk:
        raise ValidationError({"notice": _("Choose a notice of this case.")})
    if purpose in (StatementPurpose.LAYING, StatementPurpose.NINETY_DAY_REPORT) and notice is None:
        raise ValidationError({"notice": _("Choose the notice this statement reports on.")})
    if notice is not None and notice.given_on and made_on < notice.given_on:
        raise ValidationError({"made_on": _("The date cannot be before the notice was given.")})
    statement = Statement(
        case=case,
        notice=notice,
        kind=kind,
        purpose=purpose,
        made_on=made_on,
        minister=minister.strip(),
        title=title.strip(),
        url=url.strip(),
        source=_sourced(source),
        confidence=confidence,
    )
    clean_and_save(statement, by=by, reason="recorded")
    duty_kind = {
        StatementPurpose.LAYING: ObligationKind.LAYING,
        StatementPurpose.NINETY_DAY_REPORT: ObligationKind.LEGISLATURE_REPORT,
    }.get(purpose)
    if duty_kind and notice is not None:
        duty = notice.obligations.filter(kind=duty_kind, state__in=OWED_STATES).first()
        if duty is not None:
            obligation_services.obligation_record_done(
                obligation=duty, by=by, on=made_on, source=statement.url or statement.source
            )
    return statement


@transaction.atomic
def board_establish(
    *,
    case: InterventionCase,
    by: User,
    kind: str,
    name: str,
    regime: str,
    remit: str,
    source: str,
    established_on: datetime.date | None,
    established_precision: str,
    chair: str = "",
    chair_independent: bool = False,
    replaces: Board | None = None,
    confidence: str = Confidence.VERIFIED,
) -> Board:
    """Record a board on the case; a board it replaces is stood down the same day, with the same source."""
    require(permissions.can_manage_case(case, by))
    require_case_open(case)
    check_past(established_on, what=_("The date the board was established"), field="established_on")
    if not remit.strip():
        raise ValidationError({"remit": _("Enter the board's remit.")})
    if replaces is not None and replaces.case_id != case.pk:
        raise ValidationError({"replaces": _("Choose a board of this case.")})
    board = Board(
        case=case,
        kind=kind,
        name=name.strip(),
        regime=regime,
        remit=remit.strip(),
        chair=chair.strip(),
        chair_independent=chair_independent,
        replaces=replaces,
        established_on=established_on,
        established_precision=established_precision,
        source=_sourced(source),
        confidence=confidence,
    )
    clean_and_save(board, by=by, reason="established")
    if replaces is not None and replaces.is_sitting:
        board_stand_down(
            board=replaces, by=by, on=established_on, precision=established_precision, source=source
        )
    return board


@transaction.atomic
def board_change_remit(
    *,
    board: Board,
    by: User,
    remit: str,
    summary: str,
    source: str,
    changed_on: datetime.date | None,
    precision: str,
    confidence: str = Confidence.VERIFIED,
) -> BoardRemitChange:
    """Record a change to a sitting board's remit, keeping the remit it had before."""
    require(permissions.can_manage_case(board.case, by))
    require_case_open(board.case)
    check_past(changed_on, what=_("The date the remit changed"), field="changed_on")
    if not remit.strip():
        raise ValidationError({"remit": _("Enter the board's remit as changed.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Say what changed.")})
    change = BoardRemitChange(
        board=board,
        changed_on=changed_on,
        precision=precision,
        remit_before=board.remit,
        remit=remit.strip(),
        summary=summary.strip(),
        source=_sourced(source),
        confidence=confidence,
    )
    check_precision(changed_on, precision, "changed_on")
    if not board.is_sitting:
        raise ValidationError(_("The board has stood down, so its remit cannot change."))
    board.remit = remit.strip()
    clean_and_save(board, by=by, reason=f"remit changed: {summary.strip()}"[:100])
    clean_and_save(change, by=by, reason="remit changed")
    return change


@transaction.atomic
def board_stand_down(
    *, board: Board, by: User, on: datetime.date | None, precision: str, source: str
) -> Board:
    """Record that a board stopped sitting, as precisely as the source dates it."""
    require(permissions.can_manage_case(board.case, by))
    require_case_open(board.case)
    check_past(on, what=_("The date the board stood down"), field="on")
    check_precision(on, precision, "on")
    if on is not None and board.established_on is not None and on < board.established_on:
        raise ValidationError({"on": _("A board cannot stand down before it was established.")})
    if not board.is_sitting:
        raise ValidationError(_("The board has already stood down."))
    board.stood_down_on = on
    board.stood_down_precision = precision
    board.stood_down_source = _sourced(source)
    clean_and_save(board, by=by, reason="stood down")
    return board


@transaction.atomic
def appointment_record(
    *,
    case: InterventionCase,
    by: User,
    post: str,
    title: str,
    source: str,
    starts_on: datetime.date | None,
    starts_precision: str,
    person: str = "",
    interim: bool = False,
    ends_on: datetime.date | None = None,
    confidence: str = Confidence.VERIFIED,
) -> Appointment:
    """Record a key appointment; a director of social services must carry the s144 title."""
    require(permissions.can_manage_case(case, by))
    require_case_open(case)
    check_past(starts_on, what=_("The date of the appointment"), field="starts_on")
    check_past(ends_on, what=_("The date the appointment ended"), field="ends_on")
    appointment = Appointment(
        case=case,
        post=post,
        title=title.strip(),
        person=person.strip(),
        interim=interim,
        starts_on=starts_on,
        starts_precision=starts_precision,
        ends_on=ends_on,
        source=_sourced(source),
        confidence=confidence,
    )
    clean_and_save(appointment, by=by, reason="recorded")
    return appointment


@transaction.atomic
def event_record(
    *,
    case: InterventionCase,
    by: User,
    description: str,
    source: str,
    happened_on: datetime.date | None,
    precision: str,
    confidence: str = Confidence.VERIFIED,
) -> CaseEvent:
    """Record something that happened in the case that no other record holds, with its source."""
    require(permissions.can_manage_case(case, by))
    require_case_open(case)
    check_past(happened_on, what=_("The date it happened"), field="happened_on")
    if not description.strip():
        raise ValidationError({"description": _("Say what happened.")})
    event = CaseEvent(
        case=case,
        happened_on=happened_on,
        precision=precision,
        description=description.strip(),
        source=_sourced(source),
        confidence=confidence,
    )
    clean_and_save(event, by=by, reason="recorded")
    return event


@transaction.atomic
def case_link_inspection(*, case: InterventionCase, by: User, inspection: Inspection) -> InterventionCase:
    """Link an inspection of the council (a monitoring visit, a follow-up inspection...) to the case."""
    require(permissions.can_manage_case(case, by))
    require_case_open(case)
    if inspection.council_id != case.council_id:
        raise ValidationError({"inspection": _("Choose an inspection of this council.")})
    case._history_user, case._change_reason = by, "inspection linked"
    case.inspections.add(inspection)
    del case._history_user, case._change_reason
    return case


@transaction.atomic
def report_set_deadline(
    *,
    case: InterventionCase,
    by: User,
    inspection: Inspection,
    description: str,
    working_days: int | None = None,
    due_on: datetime.date | None = None,
) -> Obligation:
    """Record what a published inspection report asks of the council by a date, as an obligation.

    Counted from the report's publication (so many working days), or a date the report sets. It
    is owed under the notice in force on the case (the report reviews the plan that notice
    requires) and lives as long as the case is open.
    """
    require(permissions.can_manage_case(case, by))
    require_case_open(case)
    if inspection.council_id != case.council_id or inspection.published_on is None:
        raise ValidationError({"inspection": _("Choose a published inspection report of this council.")})
    if not description.strip():
        raise ValidationError({"description": _("Enter what the report asks of the council.")})
    if (working_days is None) == (due_on is None):
        raise ValidationError(
            {"working_days": _("Give a number of working days, or the date the report sets.")}
        )
    notice = (
        case.notices.filter(state=NoticeState.ISSUED)
        .exclude(kind=NoticeKind.ADDENDUM)
        .order_by("-given_on", "-pk")
        .first()
    )
    if notice is None:
        raise ValidationError(
            _("No notice is in force on this case, so the report's deadline cannot be tracked under it.")
        )
    start = inspection.published_on
    if working_days is not None:
        if working_days < 1:
            raise ValidationError({"working_days": _("Enter a number of working days of 1 or more.")})
        computed = dataclasses.replace(
            calendars.working_day_deadline(start, working_days),
            basis=_("%(count)s working days after the report was published on %(date)s")
            % {"count": working_days, "date": calendars.format_date(start)},
        )
    else:
        if due_on < start:
            raise ValidationError({"due_on": _("The date cannot be before the report was published.")})
        obligation_services.check_known_years(start, due_on, field="due_on")
        computed = calendars.fixed_date_deadline(
            start,
            due_on,
            basis=_("Date set in the report: %(date)s") % {"date": calendars.format_date(due_on)},
        )
    case_link_inspection(case=case, by=by, inspection=inspection)
    obligation = Obligation(
        notice=notice,
        kind=ObligationKind.REPORT_ACTION,
        owner=Owner.COUNCIL,
        inspection=inspection,
        description=description.strip(),
        position=2000,
        opened_on=start,
        changed_on=start,
    )
    obligation_services._set_due(obligation, computed)
    clean_and_save(obligation, by=by, reason="opened")
    return obligation


@transaction.atomic
def milestone_add(
    *,
    plan: ImprovementPlan,
    by: User,
    label: str,
    due_on: datetime.date | None = None,
    due_description: str = "",
) -> PlanMilestone:
    """Add a milestone of the improvement plan, dated or as the plan words it ("at 6 months")."""
    require(
        permissions.can_manage_case(plan.notice.case, by) or permissions.can_send_documents(plan.notice, by)
    )
    require_case_open(plan.notice.case)
    if not label.strip():
        raise ValidationError({"label": _("Enter the milestone.")})
    if due_on is None and not due_description.strip():
        raise ValidationError(
            {"due_on": _("Enter when the milestone is due, as a date or as the plan says.")}
        )
    milestone = PlanMilestone(
        plan=plan, label=label.strip(), due_on=due_on, due_description=due_description.strip()
    )
    clean_and_save(milestone, by=by, reason="added")
    return milestone


@transaction.atomic
def milestone_report(
    *, milestone: PlanMilestone, by: User, on: datetime.date, progress: str
) -> PlanMilestone:
    """The council reports its progress against a milestone of its plan."""
    require(permissions.can_send_documents(milestone.plan.notice, by))
    require_case_open(milestone.plan.notice.case)
    check_past(on, what=_("The date of the progress report"), field="on")
    if not progress.strip():
        raise ValidationError({"progress": _("Enter the progress made.")})
    milestone.progress = progress.strip()
    milestone.progress_on = on
    clean_and_save(milestone, by=by, reason="progress reported")
    return milestone
