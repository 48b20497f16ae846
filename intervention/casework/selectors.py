"""Read queries for the files of the improvement plan and Board reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from .. import selectors
from ..models import BoardReport, DocumentFile, ImprovementPlan, Obligation
from .returns import with_returns

if TYPE_CHECKING:
    from accounts.models import User


def document_files_for_user(user: User) -> QuerySet[DocumentFile]:
    """The files of the plans and Board reports of the notices `user` may see."""
    return DocumentFile.objects.filter(
        Q(plan__in=selectors.plans_for_user(user).values("pk"))
        | Q(board_report__in=selectors.board_reports_for_user(user).values("pk"))
    ).select_related("plan", "board_report")


def files_of(document: ImprovementPlan | BoardReport) -> list[DocumentFile]:
    """The files sent with the plan or a Board report, oldest first, with who uploaded each."""
    return list(document.files.select_related("uploaded_by").order_by("uploaded_at", "id"))


def notice_documents(plan: ImprovementPlan | None, obligations: list[Obligation]) -> dict:
    """For the notice page: why each obligation stands returned, and the files of the plan and reports.

    Puts `latest_return` on every obligation and `document_files` on each Board report's; two
    queries however many there are.
    """
    with_returns(obligations)
    reports = {o.board_report_id: o for o in obligations if o.board_report_id}
    for obligation in reports.values():
        obligation.document_files = []
    wanted = Q(board_report_id__in=list(reports))
    if plan is not None:
        wanted |= Q(plan=plan)
    plan_files = []
    for file in (
        DocumentFile.objects.filter(wanted).select_related("uploaded_by").order_by("uploaded_at", "id")
    ):
        if file.plan_id:
            plan_files.append(file)
        else:
            reports[file.board_report_id].document_files.append(file)
    return {"plan_files": plan_files}
