"""The access matrix: every page of the project, for each role and object state, and what it answers.

`tests/test_access_matrix.py` enumerates every URL pattern of config.urls and fails for any that
has no row here, so a new page cannot go without an access rule.

A row names a page, the object it is asked about (a key of `World.objects`, or None for a page
about no object) and what each role is answered on GET, in the column order of ROLES:

- anonymous: a visitor who has not signed in;
- inspector: a CIW inspector; official: a Welsh Government official;
- own: a council officer of the object's council (Powys); other: a council officer of another
  council (Cardiff); administrator: a Django administrator (no casework role).

The codes: 200 the page; 302 for `anonymous` a redirect to sign in, for anyone signed in a redirect
to another page (a move that cannot be made now, with a message); 403 a role that may see the
object but not do this; 404 out of scope (and a draft notice to anyone but an official); 405 a
method the page does not take.

A row with `post` is a page that changes something. `post=True` POSTs (empty) as every role the
page refuses on GET (302 to sign in, 403, 404), expecting the same answer and nothing written.
`post="..."` gives the POST answers for a POST-only page ("-" where the role is not tried).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from accounts import feeds
from accounts.choices import OrganisationKind
from inspections import services as inspection_services
from inspections.choices import FindingKind, FindingTheme, InspectionState
from inspections.models import Finding, Inspection
from intervention import services
from intervention.choices import (
    ComplianceRule,
    DirectionState,
    EscalationSource,
    NoticeKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    RequirementAnswer,
    RequirementDue,
    RequirementKind,
    SeniorPosition,
)
from intervention.escalations import services as escalation_services
from intervention.models import Escalation, Notification, SeniorContact
from intervention.powers.reference import ensure_reference_data

from .factories import GroundFactory, OrganisationFactory, StatutoryFunctionFactory, UserFactory
from .workflow import (
    DRAFT_ISSUED_ON,
    FIELDWORK_ON,
    GIVEN_ON,
    LAID_ON,
    PLAN_SUBMITTED,
    PUBLISHED_ON,
    WITHDRAWN_DRAFT,
    Casework,
)

ROLES = ("anonymous", "inspector", "official", "own", "other", "administrator")

# In the title of every notice never given to the council.
DRAFT_MARK = "unseen draft"
# A well-formed feed token that no feed has (the converter accepts 32 to 64 URL-safe characters).
UNKNOWN_TOKEN = "x" * 43


# The people and objects every row is asked about -------------------------------------------------


@dataclass
class World:
    people: dict[str, object]
    # The session key of each person signed in (force_login once per person, not once per test).
    sessions: dict[str, str] = field(default_factory=dict)
    # The titles of Powys's inspections, cases and notices.
    titles: list[str] = field(default_factory=list)
    # Each object state: the URL keyword arguments it gives (pk, and the ids of its parts).
    objects: dict[str, dict[str, object]] = field(default_factory=dict)


def _pdf() -> bytes:
    """A one-page PDF, as pypdf writes it (the upload checks parse the file)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _complete_draft(case, *, official, finding, title: str, kind: str = NoticeKind.ORIGINAL, parent=None):
    """A draft that meets every s151(2) condition, as conftest's `draft_notice` (addenda and follow-ups:
    their title and what the Ministers are minded to do)."""
    extra = {}
    if kind == NoticeKind.ORIGINAL:
        extra = {
            "compliance_rule": ComplianceRule.WORKING_DAYS,
            "compliance_days": 20,
            "compliance_description": "Produce an improvement plan",
            "board_reports_from": datetime.date(2017, 11, 1),
            "board_reports_count": 3,
        }
    notice = services.notice_draft(
        case=case,
        by=official,
        title=title,
        kind=kind,
        parent=parent,
        minded_to="Intervene more directly under sections 152-161.",
        minded_to_powers="ss152-161",
        **extra,
    )
    if kind != NoticeKind.ORIGINAL:
        return notice
    services.notice_set_ground(
        notice=notice,
        by=official,
        ground=GroundFactory(number=1),
        reasons="Duties not met.",
        findings=[finding],
    )
    services.notice_set_failed_functions(
        notice=notice, by=official, functions=[StatutoryFunctionFactory(code="SSWBA-s144")]
    )
    for letter, kind_, answered_by in [
        ("a", RequirementKind.ONE_OFF, RequirementAnswer.EVIDENCE),
        ("c", RequirementKind.RECURRING_REPORT, RequirementAnswer.BOARD_REPORTS),
        ("d", RequirementKind.ONE_OFF, RequirementAnswer.IMPROVEMENT_PLAN),
        ("e", RequirementKind.ONE_OFF, RequirementAnswer.PLAN_AGREEMENT),
        ("f", RequirementKind.ONE_OFF, RequirementAnswer.EVIDENCE),
        ("g", RequirementKind.CONTINUING_CONDITION, RequirementAnswer.EVIDENCE),
    ]:
        services.requirement_add(
            notice=notice,
            by=official,
            letter=letter,
            text=f"{title}: requirement ({letter})",
            kind=kind_,
            answered_by=answered_by,
            due=RequirementDue.NONE,
        )
    return notice


def _inspection_in(state: str, *, council, inspector) -> Inspection:
    """Return an inspection of `council` in `state`, moved there by the services (contents from fieldwork)."""
    inspection = inspection_services.inspection_create(
        by=inspector,
        council=council,
        title=f"Powys inspection {state}",
        service_area="children",
        inspection_type="planned",
    )
    if state == InspectionState.PLANNED:
        return inspection
    inspection_services.inspection_start_fieldwork(inspection=inspection, by=inspector, on=FIELDWORK_ON)
    inspection_services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=FindingKind.SERIOUS_CONCERN,
        text="No record of statutory visits for six months.",
    )
    inspection_services.recommendation_create(
        inspection=inspection, by=inspector, text="Stabilise the leadership."
    )
    if state == InspectionState.WITHDRAWN:
        return inspection_services.inspection_withdraw(inspection=inspection, by=inspector, reason="Stopped")
    if state == InspectionState.FIELDWORK:
        return inspection
    inspection_services.inspection_issue_draft(inspection=inspection, by=inspector, on=DRAFT_ISSUED_ON)
    if state == InspectionState.DRAFT_ISSUED:
        return inspection
    return inspection_services.inspection_publish(inspection=inspection, by=inspector, on=PUBLISHED_ON)


def build_world() -> World:
    """Make the people and every object state the matrix asks about, through the services.

    Everything belongs to Powys. Each title starts "Powys " (none of them may appear on a page the
    Cardiff officer is shown), and the title of each notice never given holds DRAFT_MARK (which may
    appear only on pages shown to officials).
    """
    ensure_reference_data()
    powys = OrganisationFactory(
        code="powys", name="Powys County Council", kind=OrganisationKind.LOCAL_AUTHORITY
    )
    cardiff = OrganisationFactory(
        code="cardiff", name="Cardiff Council", kind=OrganisationKind.LOCAL_AUTHORITY
    )
    inspector = UserFactory(username="inspector", inspector=True)
    official = UserFactory(username="wg-official", official=True)
    own = UserFactory(username="powys-officer", organisation=powys)
    other = UserFactory(username="cardiff-officer", organisation=cardiff)
    administrator = UserFactory(username="admin", administrator=True)
    world = World(
        people={
            "anonymous": None,
            "inspector": inspector,
            "official": official,
            "own": own,
            "other": other,
            "administrator": administrator,
        }
    )
    objects = world.objects
    # The Powys officer is a senior contact, so escalations about Powys are addressed to them.
    SeniorContact.objects.create(council=powys, user=own, position=SeniorPosition.DIRECTOR_OF_SOCIAL_SERVICES)

    # Inspections in each state: from fieldwork on, with one finding (a serious concern) and one
    # recommendation; the planned one has neither, so its pages are given ids that are not its own.
    for state in InspectionState:
        inspection = _inspection_in(state, council=powys, inspector=inspector)
        finding = inspection.findings.first()
        recommendation = inspection.recommendations.first()
        objects[f"inspection.{state}"] = {
            "pk": inspection.pk,
            "inspection_pk": inspection.pk,
            "finding_pk": finding.pk if finding else 0,
            "recommendation_pk": recommendation.pk if recommendation else 0,
        }
        world.titles.append(inspection.title)
    finding = Finding.objects.get(inspection_id=objects["inspection.published"]["pk"])
    # Publishing the report escalated its serious concern (to Powys's senior contacts and officials).
    objects["escalation.finding"] = {"pk": Escalation.objects.get(finding=finding).pk}
    # Correcting a recorded fact: the date a report was published.
    objects["correction.published_on"] = {"fact": "report_published_on", "pk": finding.inspection_id}

    casework = Casework(official=official, officer=own)

    def case_open(title: str, service_area: str):
        world.titles.append(title)
        return services.case_open(
            by=official, council=powys, title=title, service_area=service_area, opened_on=GIVEN_ON
        )

    case = case_open("Powys case with notices", "children")

    def draft(title, **kwargs):
        world.titles.append(title)
        return _complete_draft(case, official=official, finding=finding, title=title, **kwargs)

    # The notice in force: everything open, requirement (f) submitted with a file.
    issued = casework.issue(draft("Powys notice in force"))
    requirement_a = issued.requirements.get(letter="a")
    requirement_f = issued.requirements.get(letter="f")
    submission = services.requirement_submit(
        requirement=requirement_f,
        by=own,
        statement="Evidence attached.",
        files=[SimpleUploadedFile("evidence.pdf", _pdf(), content_type="application/pdf")],
    )
    objects["notice.issued"] = {"pk": issued.pk, "requirement_pk": requirement_a.pk}
    objects["requirement.open"] = {"pk": requirement_a.pk}
    objects["requirement.submitted"] = {"pk": requirement_f.pk}
    objects["requirement.continuing"] = {"pk": issued.requirements.get(letter="g").pk}
    objects["evidence.submitted"] = {"pk": submission.files.get().pk}
    objects["plan.drafting"] = {"pk": issued.improvement_plan.pk}
    objects["board_report.due"] = {"pk": casework.board_report(issued).pk}
    objects["milestone.open"] = {"pk": casework.milestone(issued).pk}
    objects["obligation.open"] = {"pk": issued.obligations.get(kind=ObligationKind.LAYING).pk}
    # Its improvement plan, due on 14 November 2017, was 11 working days late on the 29th: escalated
    # about what a council owes (which inspectors do not see, unlike serious findings).
    overdue = escalation_services.escalate_overdue_obligations(today=datetime.date(2017, 11, 29))
    objects["escalation.overdue"] = {"pk": overdue[0].pk}

    # A second notice in force, worked on: plan submitted, first Board report sent, laying recorded.
    worked = casework.issue(draft("Powys notice worked on"))
    casework.plan(worked, PLAN_SUBMITTED)
    casework.board_report(worked, submitted=True)
    # Its second Board report sent with a file (the files of the plan and reports are served alike).
    second_report = worked.board_reports.order_by("month")[1]
    services.board_report_submit(
        report=second_report,
        by=own,
        on=datetime.date(2017, 12, 29),
        summary="December",
        files=[SimpleUploadedFile("report.pdf", _pdf(), content_type="application/pdf")],
    )
    services.notice_record_laying(notice=worked, by=official, on=LAID_ON, reference="Laid")
    objects["notice.worked"] = {"pk": worked.pk, "requirement_pk": worked.requirements.get(letter="a").pk}
    objects["plan.submitted"] = {"pk": worked.improvement_plan.pk}
    objects["board_report.sent"] = {"pk": worked.board_reports.order_by("month").first().pk}
    objects["document.sent"] = {"pk": second_report.files.get().pk}
    objects["obligation.met"] = {"pk": worked.obligations.get(kind=ObligationKind.LAYING).pk}
    # Correcting a recorded fact: the date a notice was given, the date it was laid.
    objects["correction.given_on"] = {"fact": "notice_given_on", "pk": issued.pk}
    objects["correction.laying_date"] = {"fact": "laying_date", "pk": objects["obligation.met"]["pk"]}
    objects["correction.not_laid"] = {"fact": "laying_date", "pk": objects["obligation.open"]["pk"]}

    # A third, escalated: the power to intervene is live, with a direction in force and one revoked.
    escalated = casework.issue(draft("Powys notice escalated"))
    power = casework.power(escalated)
    objects["notice.escalated"] = {
        "pk": escalated.pk,
        "requirement_pk": escalated.requirements.get(letter="a").pk,
    }
    objects["power.live"] = {"pk": power.pk}
    objects["direction.in_force"] = {"pk": casework.direction(power).pk}
    objects["direction.revoked"] = {"pk": casework.direction(power, DirectionState.REVOKED).pk}

    # Drafts, never given to the council: an original, an addendum and a follow-up to the notice in
    # force, and one withdrawn before it was given.
    original = draft(f"Powys {DRAFT_MARK} notice")
    objects["notice.draft"] = {"pk": original.pk, "requirement_pk": original.requirements.get(letter="a").pk}
    objects["requirement.draft"] = {"pk": original.requirements.get(letter="a").pk}
    addendum = draft(f"Powys {DRAFT_MARK} addendum", kind=NoticeKind.ADDENDUM, parent=issued)
    objects["addendum.draft"] = {"pk": addendum.pk, "requirement_pk": requirement_a.pk}
    follow_up = draft(f"Powys {DRAFT_MARK} follow-up", kind=NoticeKind.FOLLOW_UP, parent=issued)
    objects["follow_up.draft"] = {"pk": follow_up.pk, "requirement_pk": requirement_a.pk}
    never_given = casework.notice(draft(f"Powys {DRAFT_MARK} withdrawn"), WITHDRAWN_DRAFT)
    objects["notice.withdrawn_draft"] = {"pk": never_given.pk, "requirement_pk": 0}

    objects["case.open"] = {"pk": case.pk}
    objects["board.active"] = {"pk": casework.board(case).pk}
    # A case with nothing in force, so it may close; and one already closed.
    objects["case.closable"] = {"pk": case_open("Powys case that may close", "all").pk}
    objects["case.closed"] = {"pk": casework.close(case_open("Powys case closed", "adults")).pk}

    # The Powys officer's private calendar feed, and an address that was never made.
    objects["feed.valid"] = {"token": feeds.calendar_feed_turn_on(user=own)}
    objects["feed.unknown"] = {"token": UNKNOWN_TOKEN}
    # A notification of the Powys officer (the notices given told them); nobody else's to open.
    objects["notification.own"] = {"pk": Notification.objects.filter(recipient=own).order_by("pk").first().pk}

    # The states the rows are named after.
    assert requirement_a.obligations.get(kind=ObligationKind.REQUIREMENT).state == ObligationState.OPEN
    assert requirement_f.obligations.get(kind=ObligationKind.REQUIREMENT).state == ObligationState.SUBMITTED
    assert never_given.state == NoticeState.WITHDRAWN and never_given.given_on is None
    assert overdue[0].source == EscalationSource.OVERDUE_OBLIGATION
    return world


# The matrix ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str  # the URL name, namespace included
    obj: str | None  # a key of World.objects, or None for a page about no object
    codes: str  # the GET answer for each role, in ROLES order
    post: bool | str = False  # see the module docstring
    # The roles for which the app breaks a rule here, each with why: `codes` (and `post`) then say
    # what the rule demands, and the test of that role is expected to fail (xfail, strict).
    xfail: dict[str, str] = field(default_factory=dict)
    login: str = "login"  # the URL name anonymous visitors are sent to

    def expected(self) -> dict[str, int]:
        return dict(zip(ROLES, map(int, self.codes.split()), strict=True))

    def expected_post(self) -> dict[str, int]:
        """The roles this row POSTs as, and what each must be answered (nothing written)."""
        if isinstance(self.post, str):
            return {
                role: int(code) for role, code in zip(ROLES, self.post.split(), strict=True) if code != "-"
            }
        if not self.post:
            return {}
        return {
            role: code
            for role, code in self.expected().items()
            if code in (403, 404) or (role == "anonymous" and code == 302)
        }


# Columns:               anon insp  off  own  oth  adm
LIST = "302 200 200 200 200 403"  # a list of what each casework role may see
READ = "302 200 200 200 404 404"  # a Powys object every casework role sees; Cardiff's officer does not
READ_DRAFT = "302 404 200 404 404 404"  # a notice never given: officials only
INSPECTOR_DOES = "302 200 403 403 404 404"  # inspectors change an inspection
INSPECTOR_BLOCKED = "302 302 403 403 404 404"  # ... a move its state does not allow: a message
OFFICIAL_DOES = "302 403 200 403 404 404"  # officials take the Ministers' steps
OFFICIAL_BLOCKED = "302 403 302 403 404 404"  # ... a move its state does not allow: a message
OWN_DOES = "302 403 403 200 404 404"  # the council's own officers send what the council owes
OWN_BLOCKED = "302 403 403 302 404 404"
DRAFTING = "302 404 200 404 404 404"  # drafting a notice: officials only, a draft hidden from others
NOT_HERE = "302 404 404 404 404 404"  # no such page for this object (or hidden from all but officials)

MATRIX: list[Row] = [
    # The project's own pages (config/urls.py) ----------------------------------------------------
    Row("home", None, "302 200 200 200 200 200"),
    Row("login", None, "200 302 302 302 302 302"),
    Row("logout", None, "405 405 405 405 405 405"),
    # Two-step verification (accounts/signin): a person's own pages, about no one else's objects. As
    # asked by someone with no authenticator app (the test settings require none): the steps that
    # need an app, a code owed or new codes in the session send them on (to the page asked for, or
    # to Your account).
    Row("signin:account", None, "302 200 200 200 200 200"),
    Row("signin:setup", None, "302 200 200 200 200 200"),
    Row("signin:verify", None, "302 302 302 302 302 302"),
    Row("signin:recovery_codes", None, "302 302 302 302 302 302"),
    Row("signin:recovery_codes_replace", None, "302 405 405 405 405 405", post="302 302 302 302 302 302"),
    Row("signin:turn_off", None, "302 302 302 302 302 302"),
    # The Django admin, one row for the group (EXCLUDED in the test): staff only.
    Row("admin:index", None, "302 302 302 302 302 200", login="admin:login"),
    # Inspections -----------------------------------------------------------------------------------
    Row("inspections:list", None, LIST),
    Row("inspections:create", None, "302 200 403 403 403 403", post=True),
    *[Row("inspections:detail", f"inspection.{state}", READ) for state in InspectionState],
    Row("inspections:history", "inspection.fieldwork", READ),
    Row("inspections:history", "inspection.published", READ),
    *[
        row
        for name in (
            "edit",
            "finding_add",
            "finding_edit",
            "finding_delete",
            "recommendation_add",
            "recommendation_edit",
            "recommendation_delete",
        )
        for row in (
            Row(f"inspections:{name}", "inspection.fieldwork", INSPECTOR_DOES, post=True),
            Row(f"inspections:{name}", "inspection.published", INSPECTOR_BLOCKED, post=True),
        )
    ],
    Row("inspections:start_fieldwork", "inspection.planned", INSPECTOR_DOES, post=True),
    Row("inspections:start_fieldwork", "inspection.published", INSPECTOR_BLOCKED, post=True),
    Row("inspections:issue_draft", "inspection.fieldwork", INSPECTOR_DOES, post=True),
    Row("inspections:issue_draft", "inspection.published", INSPECTOR_BLOCKED, post=True),
    Row("inspections:publish", "inspection.draft_issued", INSPECTOR_DOES, post=True),
    Row("inspections:publish", "inspection.published", INSPECTOR_BLOCKED, post=True),
    Row("inspections:record_published", "inspection.planned", INSPECTOR_DOES, post=True),
    Row("inspections:record_published", "inspection.published", INSPECTOR_BLOCKED, post=True),
    Row("inspections:withdraw", "inspection.planned", INSPECTOR_DOES, post=True),
    Row("inspections:withdraw", "inspection.published", INSPECTOR_BLOCKED, post=True),
    # Drafting a notice ---------------------------------------------------------------------------
    Row("intervention:notice_start", "inspection.published", OFFICIAL_DOES, post=True),
    Row("intervention:notice_start", "inspection.fieldwork", OFFICIAL_BLOCKED, post=True),
    *[
        row
        for name in (
            "draft_overview",
            "notice_edit_details",
            "notice_grounds",
            "notice_functions",
            "notice_requirements",
            "requirement_add",
            "requirement_edit",
            "requirement_remove",
            "notice_compliance",
            "notice_minded_to",
            "notice_preview",
        )
        for row in (
            Row(f"intervention:{name}", "notice.draft", DRAFTING, post=True),
            Row(f"intervention:{name}", "notice.issued", OFFICIAL_BLOCKED, post=True),
        )
    ],
    Row("intervention:draft_overview", "notice.withdrawn_draft", "302 404 302 404 404 404"),
    Row("intervention:notice_issue", "notice.draft", "302 404 302 404 404 404", post=True),
    Row("intervention:notice_issue", "notice.issued", OFFICIAL_BLOCKED, post=True),
    Row(
        "intervention:requirements_from_template",
        "notice.draft",
        "302 404 405 404 404 404",
        post="302 404 - 404 404 404",
    ),
    Row(
        "intervention:requirements_from_template",
        "notice.issued",
        OFFICIAL_BLOCKED,
        post=OFFICIAL_BLOCKED,
    ),
    *[
        row
        for name in ("notice_ministers_duties", "notice_variations", "variation_edit")
        for row in (
            Row(f"intervention:{name}", "addendum.draft", DRAFTING, post=True),
            Row(f"intervention:{name}", "notice.draft", NOT_HERE),
        )
    ],
    Row("intervention:notice_carry_over", "follow_up.draft", DRAFTING, post=True),
    Row("intervention:notice_carry_over", "notice.draft", NOT_HERE),
    # An issued notice and the Ministers' decisions on it -----------------------------------------
    Row("intervention:notice_list", None, LIST),
    Row("intervention:notice_detail", "notice.draft", READ_DRAFT),
    Row("intervention:notice_detail", "notice.withdrawn_draft", READ_DRAFT),
    Row("intervention:notice_detail", "notice.issued", READ),
    Row("intervention:notice_detail", "notice.escalated", READ),
    Row("intervention:notice_history", "notice.draft", READ_DRAFT),
    Row("intervention:notice_history", "notice.withdrawn_draft", READ_DRAFT),
    Row("intervention:notice_history", "notice.issued", READ),
    # The notice as a document (print view and PDF): as its page; a draft's, marked DRAFT, to officials.
    *[
        Row(f"intervention:{name}", obj, access)
        for name in ("notice_document", "notice_document_pdf")
        for obj, access in (
            ("notice.draft", READ_DRAFT),
            ("notice.withdrawn_draft", READ_DRAFT),
            ("notice.issued", READ),
            ("notice.escalated", READ),
        )
    ],
    Row("intervention:notice_record_laying", "notice.issued", OFFICIAL_DOES, post=True),
    Row("intervention:notice_record_laying", "notice.worked", OFFICIAL_BLOCKED, post=True),
    Row("intervention:notice_record_laying", "notice.draft", NOT_HERE, post=True),
    Row("intervention:notice_record_report", "notice.issued", OFFICIAL_DOES, post=True),
    Row("intervention:notice_record_report", "notice.draft", NOT_HERE, post=True),
    Row("intervention:notice_extend", "notice.issued", OFFICIAL_DOES, post=True),
    Row("intervention:notice_extend", "notice.draft", "302 404 302 404 404 404", post=True),
    Row("intervention:notice_board_schedule", "notice.issued", OFFICIAL_DOES, post=True),
    Row("intervention:notice_board_schedule", "notice.draft", "302 404 302 404 404 404", post=True),
    Row("intervention:notice_close", "notice.issued", OFFICIAL_BLOCKED, post=True),
    Row("intervention:notice_close", "notice.draft", "302 404 302 404 404 404", post=True),
    Row("intervention:notice_withdraw", "notice.issued", OFFICIAL_DOES, post=True),
    Row("intervention:notice_withdraw", "notice.draft", DRAFTING, post=True),
    Row("intervention:notice_withdraw", "notice.escalated", OFFICIAL_BLOCKED, post=True),
    # The council's work on a notice, and the decisions on it -------------------------------------
    Row("intervention:requirement_detail", "requirement.open", READ),
    Row("intervention:requirement_detail", "requirement.draft", READ_DRAFT),
    Row("intervention:requirement_history", "requirement.open", READ),
    Row("intervention:requirement_history", "requirement.draft", READ_DRAFT),
    Row("intervention:requirement_submit", "requirement.open", OWN_DOES, post=True),
    Row("intervention:requirement_submit", "requirement.submitted", OWN_BLOCKED, post=True),
    Row("intervention:requirement_submit", "requirement.draft", NOT_HERE, post=True),
    Row("intervention:requirement_accept", "requirement.submitted", OFFICIAL_DOES, post=True),
    Row("intervention:requirement_accept", "requirement.open", OFFICIAL_BLOCKED, post=True),
    Row("intervention:requirement_return", "requirement.submitted", OFFICIAL_DOES, post=True),
    Row("intervention:requirement_return", "requirement.open", OFFICIAL_BLOCKED, post=True),
    Row("intervention:requirement_withdraw", "requirement.open", OFFICIAL_DOES, post=True),
    Row("intervention:requirement_withdraw", "requirement.draft", NOT_HERE, post=True),
    Row("intervention:requirement_breach", "requirement.continuing", OFFICIAL_DOES, post=True),
    # Only a continuing condition, such as (g), can be breached.
    Row("intervention:requirement_breach", "requirement.open", OFFICIAL_BLOCKED, post=True),
    Row("intervention:requirement_breach", "requirement.draft", NOT_HERE, post=True),
    Row("intervention:plan_submit", "plan.drafting", OWN_DOES, post=True),
    Row("intervention:plan_submit", "plan.submitted", OWN_BLOCKED, post=True),
    Row("intervention:plan_return", "plan.submitted", OFFICIAL_DOES, post=True),
    Row("intervention:plan_return", "plan.drafting", OFFICIAL_BLOCKED, post=True),
    Row("intervention:plan_agree", "plan.submitted", OFFICIAL_DOES, post=True),
    Row("intervention:plan_agree", "plan.drafting", OFFICIAL_BLOCKED, post=True),
    Row("intervention:board_report_submit", "board_report.due", OWN_DOES, post=True),
    Row("intervention:board_report_submit", "board_report.sent", OWN_BLOCKED, post=True),
    Row("intervention:evidence_download", "evidence.submitted", READ),
    Row("intervention:document_download", "document.sent", READ),
    Row("intervention:obligation_record_done", "obligation.open", OFFICIAL_DOES, post=True),
    Row("intervention:obligation_record_done", "obligation.met", OFFICIAL_BLOCKED, post=True),
    # The power to intervene and directions under it ----------------------------------------------
    Row("intervention:power_determine", "notice.issued", OFFICIAL_DOES, post=True),
    Row("intervention:power_determine", "notice.escalated", OFFICIAL_BLOCKED, post=True),
    Row("intervention:power_determine", "notice.draft", "302 404 302 404 404 404", post=True),
    Row("intervention:power_detail", "power.live", READ),
    Row("intervention:power_end", "power.live", OFFICIAL_DOES, post=True),
    Row("intervention:direction_give", "power.live", OFFICIAL_DOES, post=True),
    Row("intervention:direction_detail", "direction.in_force", READ),
    Row("intervention:direction_detail", "direction.revoked", READ),
    *[
        row
        for name in ("direction_vary", "direction_revoke", "direction_end")
        for row in (
            Row(f"intervention:{name}", "direction.in_force", OFFICIAL_DOES, post=True),
            Row(f"intervention:{name}", "direction.revoked", OFFICIAL_BLOCKED, post=True),
        )
    ],
    Row("intervention:direction_require", "direction.in_force", OFFICIAL_DOES, post=True),
    Row("intervention:direction_require", "direction.revoked", OFFICIAL_DOES, post=True),
    # A case, as it stood on a date, and its chronology -------------------------------------------
    Row("intervention:case_list", None, LIST),
    Row("intervention:search", None, LIST),
    Row("intervention:case_detail", "case.open", READ),
    Row("intervention:case_detail", "case.closed", READ),
    Row("intervention:case_as_at", "case.open", READ),
    Row("intervention:case_chronology", "case.open", READ),
    Row("intervention:case_close", "case.closable", OFFICIAL_DOES, post=True),
    Row("intervention:case_close", "case.open", OFFICIAL_BLOCKED, post=True),
    Row("intervention:case_close", "case.closed", OFFICIAL_BLOCKED, post=True),
    Row("intervention:case_reopen", "case.closed", OFFICIAL_DOES, post=True),
    Row("intervention:case_reopen", "case.open", OFFICIAL_BLOCKED, post=True),
    *[
        row
        for name in ("statement_record", "board_establish", "appointment_record", "event_record")
        for row in (
            Row(f"intervention:{name}", "case.open", OFFICIAL_DOES, post=True),
            Row(f"intervention:{name}", "case.closed", OFFICIAL_DOES, post=True),
        )
    ],
    Row("intervention:board_remit", "board.active", OFFICIAL_DOES, post=True),
    Row("intervention:board_stand_down", "board.active", OFFICIAL_DOES, post=True),
    Row("intervention:milestone_add", "plan.drafting", "302 403 200 200 404 404", post=True),
    Row("intervention:milestone_report", "milestone.open", OWN_DOES, post=True),
    # Escalations -----------------------------------------------------------------------------------
    Row("intervention:escalation_list", None, LIST),
    Row("intervention:escalation_detail", "escalation.finding", READ),
    # Inspectors see escalations of serious findings (CIW's own reports), not of what a council owes.
    Row("intervention:escalation_detail", "escalation.overdue", "302 404 200 200 404 404"),
    # POST only; the Powys officer and the official are among those it is addressed to.
    Row(
        "intervention:escalation_acknowledge",
        "escalation.finding",
        "302 405 405 405 405 405",
        post="302 403 - - 404 404",
    ),
    Row(
        "intervention:escalation_acknowledge",
        "escalation.overdue",
        "302 405 405 405 405 405",
        post="302 404 - - 404 404",
    ),
    # Calendar feeds: the settings page (signed in) and the feed (its secret address is the credential).
    Row("intervention:calendar_feed_settings", None, LIST, post=True),
    Row("intervention:calendar_feed", "feed.valid", "200 200 200 200 200 200"),
    Row("intervention:calendar_feed", "feed.unknown", "404 404 404 404 404 404"),
    # Notifications: everyone signed in has their own; opening one marks it read and goes to the
    # thing (a redirect); anyone else's answers 404. Marking all read is POST only (as anonymous:
    # sent to sign in; signed in, it changes that person's own notifications).
    Row("intervention:notification_list", None, "302 200 200 200 200 200"),
    Row("intervention:notification_open", "notification.own", "302 404 404 302 404 404"),
    Row(
        "intervention:notifications_mark_all_read",
        None,
        "302 405 405 405 405 405",
        post="302 - - - - -",
    ),
    Row("intervention:notification_preferences", None, "302 200 200 200 200 200", post=True),
    # Correcting a recorded fact, with a reason: officials; an inspector too for a report's date.
    Row("intervention:fact_correct", "correction.given_on", OFFICIAL_DOES, post=True),
    Row("intervention:fact_correct", "correction.laying_date", OFFICIAL_DOES, post=True),
    Row("intervention:fact_correct", "correction.not_laid", NOT_HERE, post=True),  # nothing recorded yet
    Row("intervention:fact_correct", "correction.published_on", "302 200 200 403 404 404", post=True),
]
