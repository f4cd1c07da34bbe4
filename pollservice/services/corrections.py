"""Corrections from readers: a report of a wrong number about a published poll or
question (no login), queued for editors, resolved with a note.

The form that takes reports (``web/reports.py``) checks the CSRF token, limits how often
one address may send, and drops what a bot fills into its hidden field; this module checks
the report itself and keeps the queue. Each resolution is in the content audit trail
(``report.resolve``). The counts of open and resolved reports are public (poll page).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..domain.review import PUBLISHED
from ..domain.validation import text_problem
from ..extensions import db
from ..models import CorrectionReport, Poll, Question, utcnow
from . import audit
from .polls import get_poll
from .questions import get_question
from .transaction import transaction

MIN_MESSAGE = 10
MAX_MESSAGE = 5000
MAX_CONTACT = 300
MAX_NOTE = 5000
REPORT_STATUSES = ("open", "resolved", "all")


def report_subject(poll_id: int | None = None, question_slug: str | None = None) -> Poll | Question:
    """The published poll or question a report is about; ``NotFound`` (naming ``poll`` or
    ``question``) for one that does not exist or is not public, ``ValidationFailed`` if
    neither is named."""
    if poll_id is not None:
        try:
            return get_poll(poll_id, published_only=True)
        except NotFound:
            raise NotFound(f"No published poll #{poll_id}.", fields={"poll": "unknown poll"}) from None
    if question_slug:
        try:
            question = get_question(question_slug)
        except NotFound:
            question = None
        if question is None or question.status != PUBLISHED:
            raise NotFound(f"No question {question_slug!r}.", fields={"question": "unknown question"})
        return question
    raise ValidationFailed("Say which poll or question the report is about.",
                           fields={"poll": "give a poll or a question"})


def submit_report(subject: Poll | Question, message: str, contact: str = "") -> CorrectionReport:
    """Store a reader's report about ``subject``; ``ValidationFailed`` naming ``message``
    or ``contact``."""
    message, contact = message.strip(), " ".join(contact.split())
    errors: dict[str, str] = {}
    if len(message) < MIN_MESSAGE:
        errors["message"] = f"say what is wrong, in at least {MIN_MESSAGE} characters"
    elif len(message) > MAX_MESSAGE:
        errors["message"] = f"must be at most {MAX_MESSAGE} characters"
    elif text_problem(message, multiline=True):
        errors["message"] = str(text_problem(message, multiline=True))
    if len(contact) > MAX_CONTACT:
        errors["contact"] = f"must be at most {MAX_CONTACT} characters"
    elif text_problem(contact):
        errors["contact"] = str(text_problem(contact))
    if errors:
        raise ValidationFailed("The report has invalid fields.", fields=errors)
    if isinstance(subject, Poll):
        report = CorrectionReport(poll_id=subject.id, question_id=subject.question_id)
    else:
        report = CorrectionReport(question_id=subject.id)
    report.message, report.contact = message, contact
    with transaction():
        db.session.add(report)
    return report


def list_reports(status: str = "open", limit: int = 50,
                 offset: int = 0) -> tuple[list[CorrectionReport], int]:
    """A page of reports (open ones oldest first: the queue; others newest first) and how
    many there are."""
    conditions = [] if status == "all" else [CorrectionReport.status == status]
    total = db.session.execute(select(func.count(CorrectionReport.id)).where(*conditions)).scalar_one()
    order = (CorrectionReport.created_at.asc() if status == "open" else CorrectionReport.created_at.desc(),
             CorrectionReport.id)
    reports = db.session.execute(
        select(CorrectionReport).where(*conditions).order_by(*order).limit(limit).offset(offset)
        .options(selectinload(CorrectionReport.poll).selectinload(Poll.pollster),
                 selectinload(CorrectionReport.question))
    ).scalars().all()
    return list(reports), total


def open_report_count() -> int:
    return db.session.execute(
        select(func.count(CorrectionReport.id)).where(CorrectionReport.status == "open")).scalar_one()


def resolve_report(report_id: int, note: str, actor: str) -> CorrectionReport:
    """Close a report with a note saying what was done (corrected, or why not);
    ``NotFound`` naming ``report``, ``ValidationFailed`` naming ``note``, ``Conflict`` if
    it was resolved already."""
    report = db.session.get(CorrectionReport, report_id)
    if report is None:
        raise NotFound(f"No report #{report_id}.", fields={"report": "unknown report"})
    note = note.strip()
    if not note:
        raise ValidationFailed("Say what was done.", fields={"note": "is required"})
    if len(note) > MAX_NOTE or text_problem(note, multiline=True):
        problem = text_problem(note, multiline=True) or f"must be at most {MAX_NOTE} characters"
        raise ValidationFailed("The note is not valid.", fields={"note": str(problem)})
    if report.status == "resolved":
        raise Conflict(f"Report #{report_id} was resolved already by {report.resolved_by}.",
                       fields={"report": "resolved already"})
    with transaction():
        report.status, report.resolution_note = "resolved", note
        report.resolved_by, report.resolved_at = actor, utcnow()
        audit.record_content_change(actor, "report.resolve", f"report:{report.id}", {"note": note})
    return report


def report_counts(poll_id: int | None = None, question_id: int | None = None) -> dict[str, int]:
    """How many reports a poll (or a question, its polls' reports included) has: open
    and resolved."""
    condition = (CorrectionReport.poll_id == poll_id if poll_id is not None
                 else CorrectionReport.question_id == question_id)
    rows = db.session.execute(select(CorrectionReport.status, func.count(CorrectionReport.id))
                              .where(condition).group_by(CorrectionReport.status)).all()
    counts = {"open": 0, "resolved": 0}
    counts.update({status: count for status, count in rows})
    return counts
