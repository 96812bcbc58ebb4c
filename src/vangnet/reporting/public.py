"""What other apps may use of reporting (ADR 0060). Everything else here is internal.

Cases (the follow-up of a report) is the one app above reporting; it reaches reporting only
through `cases/integration.py`, which imports this module. Reporting says who may open a report:
cases gets query fragments and ids for its lists, and calls the services below to write to the
reporter, share a report with consent, end a share, and destroy a report at the end of its term.
Cases registers a link provider (`register_report_link`) so that the report page can point to
its case without reporting knowing cases (ADR 0104).
"""

from __future__ import annotations

from .categories import Category, DiscriminationGround, ordered_categories
from .conflicts import excluded_membership_ids, is_tagged
from .events import CallbackRequested, HandlerWrote, QuestionAnswered, QuestionRef, ReportSubmitted
from .keys import keypair_of, private_key_for_request, private_key_unlock
from .links import ReportLink, register_report_link
from .models import StepKind
from .route import RoutePerson, confidential_advisors
from .selectors import (
    active_grant_get,
    callbacks_open_count,
    inbox_reports_for,
    key_invited_membership_ids,
    public_key_of_user,
    public_keys_of_memberships,
    report_contents_for,
    report_grant_holder_ids,
    report_grant_q,
    report_messages_for,
    report_recipient_ids,
    report_recipient_q,
    report_recipient_user_ids,
    report_recipients_by_report,
    reports_of_organisation,
)
from .services import (
    KeyMissing,
    KeyRequired,
    UploadedAttachment,
    dialogue_ask,
    message_post,
    report_destroy,
    report_grant_access,
    report_key_for_recipient,
    report_key_invite,
    report_revoke_access,
    report_revoke_access_for_reporter,
    report_submit,
)

__all__ = [
    "CallbackRequested",
    "Category",
    "DiscriminationGround",
    "HandlerWrote",
    "KeyMissing",
    "KeyRequired",
    "QuestionAnswered",
    "QuestionRef",
    "ReportLink",
    "ReportSubmitted",
    "RoutePerson",
    "StepKind",
    "UploadedAttachment",
    "active_grant_get",
    "callbacks_open_count",
    "confidential_advisors",
    "dialogue_ask",
    "excluded_membership_ids",
    "inbox_reports_for",
    "is_tagged",
    "key_invited_membership_ids",
    "keypair_of",
    "message_post",
    "ordered_categories",
    "private_key_for_request",
    "private_key_unlock",
    "public_key_of_user",
    "public_keys_of_memberships",
    "register_report_link",
    "report_contents_for",
    "report_destroy",
    "report_grant_access",
    "report_grant_holder_ids",
    "report_grant_q",
    "report_key_for_recipient",
    "report_key_invite",
    "report_messages_for",
    "report_recipient_ids",
    "report_recipient_q",
    "report_recipient_user_ids",
    "report_recipients_by_report",
    "report_revoke_access",
    "report_revoke_access_for_reporter",
    "report_submit",
    "reports_of_organisation",
]
