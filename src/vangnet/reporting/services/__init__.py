"""Every write in reporting. Keyword-only, typed, atomic, permission-checked, audited.

One module per part of the work: `intake` (a report comes in), `dialogue` (reporter and handlers
write), `access` (sharing, recipients, the recovery key), `recovery` (a successor takes over),
`role_changes` (access follows the role), `profiles`, `route_config` and `retention`; `common`
holds what they share. Import from this package, not from its modules.

Audit entries carry ids and metadata only, never content. See docs/adr/0030 for the key model:

    report key K (random)          → content_ciphertext = SecretBox(K, parts as JSON)
    box key pair (per report)      → messages/attachments sealed to the box public key;
                                     box private key under K
    K sealed for every recipient   → ReportRecipient.sealed_key (X25519 sealed box)
    K sealed for the organisation  → Report.recovery_sealed_key (continuity, ADR 0031)
    K under the receipt-derived key→ Report.reporter_sealed_key (ADR 0032)
"""

from __future__ import annotations

from ..sealing import PARTS, ReporterAccess, box_private_key, report_key_for_recipient
from .access import (
    CONSENT_QUESTION_KIND,
    KEY_INVITATION_MAIL,
    WITHDRAW_ANSWER,
    KeyMissing,
    last_key_holder_message,
    recovery_key_create,
    recovery_private_format,
    recovery_private_parse,
    report_add_recipient,
    report_grant_access,
    report_key_invite,
    report_remove_recipient,
    report_revoke_access,
    report_revoke_access_for_reporter,
    report_seal_for_recovery,
    reports_remove_recipient,
)
from .common import MAX_MESSAGE_LENGTH, MAX_PART_LENGTH, UploadedAttachment
from .dialogue import (
    KeyRequired,
    dialogue_answer,
    dialogue_ask,
    key_required_message,
    message_post,
    reporter_mark_read,
    reporter_open,
    reporter_reply,
)
from .intake import ROLE_PREFERENCE, STEP_OF_ROLE, report_register_oral, report_submit
from .profiles import advisor_profile_save
from .recovery import (
    MAX_REASON_LENGTH,
    MIN_REASON_LENGTH,
    RECOVERY_REQUEST_VALID_FOR,
    RecoveryPlan,
    recipient_unavailable_declare,
    recipient_unavailable_end,
    recovery_plan,
    recovery_request_carry_out,
    recovery_request_create,
    recovery_request_decide,
    successor_role_for_membership,
    unavailable_membership_ids,
)
from .retention import report_destroy
from .role_changes import GRANT_ROLES, on_membership_changed
from .route_config import (
    MAX_ROUTE_CONTACTS,
    MAX_STEP_DESCRIPTION,
    ContactSetting,
    StepSetting,
    route_remove_unit_route,
    route_save,
)

__all__ = [
    "CONSENT_QUESTION_KIND",
    "GRANT_ROLES",
    "KEY_INVITATION_MAIL",
    "MAX_MESSAGE_LENGTH",
    "MAX_PART_LENGTH",
    "MAX_REASON_LENGTH",
    "MAX_ROUTE_CONTACTS",
    "MAX_STEP_DESCRIPTION",
    "MIN_REASON_LENGTH",
    "PARTS",
    "RECOVERY_REQUEST_VALID_FOR",
    "ROLE_PREFERENCE",
    "STEP_OF_ROLE",
    "WITHDRAW_ANSWER",
    "ContactSetting",
    "KeyMissing",
    "KeyRequired",
    "RecoveryPlan",
    "ReporterAccess",
    "StepSetting",
    "UploadedAttachment",
    "advisor_profile_save",
    "box_private_key",
    "dialogue_answer",
    "dialogue_ask",
    "key_required_message",
    "last_key_holder_message",
    "message_post",
    "on_membership_changed",
    "recipient_unavailable_declare",
    "recipient_unavailable_end",
    "recovery_key_create",
    "recovery_plan",
    "recovery_private_format",
    "recovery_private_parse",
    "recovery_request_carry_out",
    "recovery_request_create",
    "recovery_request_decide",
    "report_add_recipient",
    "report_destroy",
    "report_grant_access",
    "report_key_for_recipient",
    "report_key_invite",
    "report_register_oral",
    "report_remove_recipient",
    "report_revoke_access",
    "report_revoke_access_for_reporter",
    "report_seal_for_recovery",
    "report_submit",
    "reporter_mark_read",
    "reporter_open",
    "reporter_reply",
    "reports_remove_recipient",
    "route_remove_unit_route",
    "route_save",
    "successor_role_for_membership",
    "unavailable_membership_ids",
]
