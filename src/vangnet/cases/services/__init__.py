"""Every write to cases. Keyword-only, typed, atomic, permission-checked and audited.

The reporter stays in control: nothing is shared without a consent the reporter gave in the
dialogue (except in acute danger, which is its own audited action and the reporter is told).

One module per seam: `creation`, `categories`, `workflow`, `notes`, `consent`, `aftercare`, `event_handlers`,
`advice`, `lessons`, `pattern_keys`, `retention`, `configuration`; `common` holds what they share.
Import from this package, not from its modules.
"""

from __future__ import annotations

from .advice import advice_contact_record
from .aftercare import (
    accused_record,
    aftercare_moment_add,
    aftercare_moment_done,
    aftercare_plan_ensure,
    case_attention_clear,
    checkin_answer,
    checkin_send,
    satisfaction_answer,
)
from .categories import case_categories_set
from .common import MIN_JUSTIFICATION, REF_APP, settings_for
from .configuration import case_settings_update
from .consent import (
    consent_answer,
    consent_invite_recipient,
    consent_request,
    consent_share,
    consent_withdraw,
    share_in_acute_danger,
)
from .creation import case_create_for_report
from .dossier import (
    Dossier,
    dossier_export,
    dossier_passages,
    exportable_consent,
    exportable_consents,
    recipient_label,
)
from .event_handlers import (
    on_callback_requested,
    on_handler_wrote,
    on_question_answered,
    on_report_submitted,
)
from .lessons import lesson_action_create, lesson_action_status, lesson_record
from .notes import note_add
from .pattern_keys import pattern_key_open, person_hash, person_mark
from .retention import ensure_case_settings, retention_purge
from .saved_filters import SAVED_FILTER_PARAMS, saved_filter_create, saved_filter_delete
from .standard_texts import standard_text_delete, standard_text_save
from .workflow import case_give_feedback, case_transition
from .yearly import yearly_narrative_save

__all__ = [
    "MIN_JUSTIFICATION",
    "REF_APP",
    "SAVED_FILTER_PARAMS",
    "Dossier",
    "access_for",
    "accused_record",
    "advice_contact_record",
    "aftercare_moment_add",
    "aftercare_moment_done",
    "aftercare_plan_ensure",
    "case_attention_clear",
    "case_categories_set",
    "case_create_for_report",
    "case_give_feedback",
    "case_settings_update",
    "case_transition",
    "checkin_answer",
    "checkin_send",
    "consent_answer",
    "consent_invite_recipient",
    "consent_request",
    "consent_share",
    "consent_withdraw",
    "dossier_export",
    "dossier_passages",
    "ensure_case_settings",
    "exportable_consent",
    "exportable_consents",
    "lesson_action_create",
    "lesson_action_status",
    "lesson_record",
    "note_add",
    "on_callback_requested",
    "on_handler_wrote",
    "on_question_answered",
    "on_report_submitted",
    "pattern_key_open",
    "person_hash",
    "person_mark",
    "recipient_label",
    "retention_purge",
    "satisfaction_answer",
    "saved_filter_create",
    "saved_filter_delete",
    "settings_for",
    "share_in_acute_danger",
    "standard_text_delete",
    "standard_text_save",
    "yearly_narrative_save",
]
