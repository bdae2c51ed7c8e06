"""Changes to cost lines, their receipts and trip approvals. They flush; the request commits."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from crm.attachments import storage
from crm.attachments.models import Attachment
from crm.engagements.models import Engagement, Visibility
from crm.extensions import db
from crm.forms import fill
from crm.protocol.costs.forms import ApprovalForm, CostLineForm
from crm.protocol.costs.queries import approval_of
from crm.protocol.models import CostLine, TripApproval
from crm.settings.models import OfficeSettings
from crm.soft_delete import EVERYTHING


def apply_line(line: CostLine, form: CostLineForm) -> CostLine:
    fill(line, form, "stage", "category", "description", "currency", "paid_by", "payer_name", "roster_entry_id")
    line.amount_minor = form.amount_minor
    db.session.add(line)
    db.session.flush()
    return line


def new_line(engagement: Engagement, form: CostLineForm) -> CostLine:
    return apply_line(CostLine(engagement_id=engagement.id), form)


def delete_line(line: CostLine) -> None:
    """The line and its receipts, their files too once the deletion commits (the database would drop the rows
    by itself, not the files); receipts already in the trash go with it."""
    for receipt in db.session.scalars(select(Attachment).where(Attachment.cost_line_id == line.id),
                                      execution_options=EVERYTHING):
        storage.delete_attachment(receipt)
    db.session.delete(line)
    db.session.flush()


def add_receipt(line: CostLine, upload: FileStorage) -> Attachment:
    """Store a receipt (checked as every upload is; raises storage.UploadRefused) as a staff-only file of the
    line's engagement, marked as the line's: the engagement's documents list leaves it out, the trash and the
    purge treat it as the engagement's, and a guest never sees it."""
    attachment = storage.save_upload(upload, line.engagement, Visibility.STAFF_ONLY)
    attachment.cost_line_id = line.id
    db.session.flush()
    return attachment


def apply_approval(approval: TripApproval, form: ApprovalForm) -> TripApproval:
    fill(approval, form, "body", "approved_on", "reference", "notes")
    db.session.add(approval)
    db.session.flush()
    return approval


class AlreadyApproved(Exception):
    """Someone recorded the trip's approval between our look and our insert (the unique index refused ours)."""

    def __init__(self, approval: TripApproval) -> None:
        super().__init__(approval.id)
        self.approval = approval


def new_approval(engagement: Engagement, form: ApprovalForm) -> TripApproval:
    """One approval per trip: a second one at the same moment is refused by the unique index on the engagement,
    and the one that won is raised with AlreadyApproved."""
    approval = TripApproval(engagement_id=engagement.id)
    fill(approval, form, "body", "approved_on", "reference", "notes")
    try:
        with db.session.begin_nested():
            db.session.add(approval)
            db.session.flush()
    except IntegrityError:
        existing = approval_of(engagement.id)
        if existing is None:
            raise
        raise AlreadyApproved(existing) from None
    return approval


def delete_approval(approval: TripApproval) -> None:
    db.session.delete(approval)
    db.session.flush()


def apply_settings(settings: OfficeSettings, form) -> OfficeSettings:
    settings.approval_lead_days = form.approval_lead_days.data
    db.session.flush()
    return settings

