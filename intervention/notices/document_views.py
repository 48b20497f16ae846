"""The warning notice as a document: a page laid out for reading and printing, and its PDF.

Whoever may open the notice's page may open its document: officials, the notice's council and
inspectors once it is given, officials alone while it is a draft (whose document says DRAFT).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from intervention import selectors

from .document import notice_document, render_pdf


@login_required
@require_safe
def notice_document_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    document = notice_document(notice)
    return render(request, "intervention/notice_document.html", {"notice": notice, "document": document})


@login_required
@require_safe
def notice_document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    document = notice_document(notice)
    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, document.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
