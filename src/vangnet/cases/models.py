"""Cases: what happens after a report. Data and constraints only (rules live in services).

Workflow metadata (state, category, unit, dates) is stored in clear so that deadlines and
statistics work without anyone's key; everything a person wrote about what happened (notes,
justifications) is encrypted like the report itself (see docs/adr/0043).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .integration import Category
from .workflow import Outcome, State, Track

# The law's outer limits (Wet bescherming klokkenluiders, EU 2019/1937); see docs/adr/0041.
LEGAL_MAX_ACKNOWLEDGE_DAYS = 7
LEGAL_MAX_FEEDBACK_MONTHS = 3


def default_checkin_months() -> list[int]:
    return [3, 6, 12]


class CaseSettings(models.Model):
    """Per-organisation terms and retention. Terms may be shorter than the law, never longer."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="case_settings"
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(
        _("confirm receipt within (days)"), default=LEGAL_MAX_ACKNOWLEDGE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(LEGAL_MAX_ACKNOWLEDGE_DAYS)],
    )
    feedback_within_months = models.PositiveSmallIntegerField(
        _("give feedback within (months)"), default=LEGAL_MAX_FEEDBACK_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(LEGAL_MAX_FEEDBACK_MONTHS)],
    )
    checkin_months = models.JSONField(
        _("retaliation check-ins after conclusion (months)"), default=default_checkin_months
    )
    # Retention, in months after the case is closed (docs/adr/0044 gives the defaults and why).
    retain_case_contents_months = models.PositiveSmallIntegerField(
        _("keep case contents (months after closing)"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    retain_notes_months = models.PositiveSmallIntegerField(
        _("keep handler notes (months after closing)"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    retain_advice_contacts_months = models.PositiveSmallIntegerField(
        _("keep advice-only contacts (months)"), default=60,
        validators=[MinValueValidator(12), MaxValueValidator(120)],
    )

    class Meta:
        verbose_name = _("case settings")
        verbose_name_plural = _("case settings")

    def __str__(self) -> str:
        return f"{self.organisation}"


class Case(models.Model):
    """The follow-up of one report. The report's metadata is copied so statistics survive purging."""

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="cases")
    report = models.OneToOneField(
        "reporting.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="case"
    )
    reference = models.CharField(_("reference"), max_length=20)
    state = models.CharField(_("status"), max_length=30, choices=State.choices,
                             default=State.RECEIVED)
    track = models.CharField(_("track"), max_length=20, choices=Track.choices, blank=True,
                             default=Track.NONE)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    # "high" sorts before "normal": lists order by priority ascending, so urgent cases come first.
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices,
                                default=Priority.NORMAL)
    # Denormalised from `state` (workflow.OPEN_STATES) so that the lists walk one index.
    is_open = models.BooleanField(default=True)
    attention_reason = models.CharField(max_length=40, blank=True)
    # Copied from the report when the case is made (metadata, never content). `category` is the
    # primary category; every category of the case (the primary too) is a `CaseCategory` row,
    # which the lists filter on and the statistics count (docs/adr/0100).
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("unit"), on_delete=models.SET_NULL,
                             null=True,
                             blank=True, related_name="+")
    route_step = models.CharField(_("route step"), max_length=60, blank=True)
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    mode = models.CharField(_("way of reporting"), max_length=20, blank=True)
    is_whistleblowing = models.BooleanField(_("report of wrongdoing"), default=False)
    # Dates and the legal terms, computed by `deadlines.py` when they change.
    received_at = models.DateTimeField(_("received"))
    acknowledge_due_at = models.DateTimeField(_("confirm receipt before"))
    acknowledged_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    feedback_due_at = models.DateTimeField(_("feedback before"))
    feedback_given_at = models.DateTimeField(_("feedback given"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    retain_until = models.DateTimeField(_("contents kept until"), null=True, blank=True)
    contents_destroyed_at = models.DateTimeField(null=True, blank=True)
    # Reporter satisfaction at closing (optional answers in the dialogue; 1 = yes, 0 = no).
    satisfaction_handled_well = models.PositiveSmallIntegerField(null=True, blank=True)
    satisfaction_would_report_again = models.PositiveSmallIntegerField(null=True, blank=True)
    # When the hourly job must look at this case again: the next reminder threshold of a running
    # term (null: nothing more to remind). New cases start at "now"; a status change sets it to
    # "now" again. The job reads only cases whose moment has come (docs/adr/0096).
    next_reminder_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"],
                                    name="case_reference_unique_per_organisation"),
        ]
        indexes = [
            # One index per list of the case overview (selectors.cases_for_actor).
            models.Index(fields=["organisation", "-received_at", "-id"], name="case_org_received"),
            models.Index(fields=["organisation", "is_open", "priority", "feedback_due_at", "id"],
                         name="case_org_open_due"),
            models.Index(fields=["organisation", "is_open", "-received_at"],
                         name="case_org_open_received"),
            models.Index(fields=["organisation", "state"], name="case_org_state"),
            # The reminder job scans only the terms still running.
            models.Index(fields=["acknowledge_due_at"], name="case_ack_pending",
                         condition=models.Q(acknowledged_at__isnull=True, is_open=True)),
            models.Index(fields=["feedback_due_at"], name="case_feedback_pending",
                         condition=models.Q(feedback_given_at__isnull=True, is_open=True)),
            models.Index(fields=["next_reminder_at"], name="case_next_reminder",
                         condition=models.Q(next_reminder_at__isnull=False)),
            models.Index(fields=["retain_until"], name="case_retain_until"),
            models.Index(fields=["organisation", "unit", "received_at"], name="case_org_unit"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseCategory(models.Model):
    """One category of a case: a case can be about several (sexual harassment together with
    discrimination, for example). The case's primary `category` always has a row too, so a
    count per category counts every case that is about it (docs/adr/0100)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="category_rows")
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "category"],
                                               name="casecategory_once")]
        # The list filter looks up (case, category) per row: the unique index serves it.

    def __str__(self) -> str:
        return f"{self.case_id} {self.category}"


class CaseEvent(models.Model):
    """One line of the case timeline. Appended by services, never edited or deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Case opened")
        STATUS = "status", _("Status changed")
        FEEDBACK = "feedback", _("Feedback given to the reporter")
        NOTE = "note", _("Private note added")
        CONSENT_ASKED = "consent_asked", _("Consent asked")
        CONSENT_GIVEN = "consent_given", _("Consent given")
        CONSENT_REFUSED = "consent_refused", _("Consent refused")
        SHARED = "shared", _("Information shared")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        ACUTE_DANGER = "acute_danger", _("Shared without consent because of acute danger")
        AFTERCARE = "aftercare", _("Aftercare")
        CHECKIN_SENT = "checkin_sent", _("Check-in sent")
        CHECKIN_OK = "checkin_ok", _("Check-in: no negative consequences")
        RETALIATION = "retaliation", _("Check-in: negative consequences reported")
        SATISFACTION = "satisfaction", _("Reporter's view of the handling received")
        LESSON = "lesson", _("Lesson recorded")
        CATEGORIES = "categories", _("Categories changed")
        DOSSIER_EXPORTED = "dossier_exported", _("Dossier exported")
        PERSON_MARK = "person_mark", _("Person marked for pattern signals")
        CONTENTS_DESTROYED = "contents_destroyed", _("Contents destroyed (retention)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    actor = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    # Short, content-free explanation (a reopen reason, what was shared with whom).
    summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case_time")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.created_at:%Y-%m-%d}"


class DeadlineReminder(models.Model):
    """One reminder per (case, term, threshold): the row makes sending idempotent."""

    class Term(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Confirm receipt")
        FEEDBACK = "feedback", _("Feedback")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    term = models.CharField(max_length=20, choices=Term.choices)
    # Percentage of the term that had passed (50, 75, 90), or 100 for "overdue".
    threshold = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "term", "threshold"], name="reminder_once"),
        ]
        # The sending queue: unsent rows in id order, without walking the sent ones (which grow
        # by every reminder ever sent; docs/adr/0096).
        indexes = [models.Index(fields=["id"], name="reminder_unsent_queue",
                                condition=models.Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.case_id} {self.term} {self.threshold}%"


class CaseNote(models.Model):
    """A private note between the advisors who received the report, encrypted under a key derived
    from the report key (docs/adr/0043): whoever can open the report can open its notes."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        JUSTIFICATION = "justification", _("Justification (acute danger)")
        HEARING = "hearing", _("Hearing of the accused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    author = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                               related_name="+")
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="casenote_case_time")]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.case_id}"


class ConsentRequest(models.Model):
    """A hand-off the reporter decides on: what would be shared, with whom, and what happened."""

    class Recipient(models.TextChoices):
        HR = "hr", _("HR")
        MANAGER = "manager", _("A manager")
        COMPLAINTS_COMMITTEE = "complaints_committee", _("The complaints committee")
        ADVISOR = "advisor", _("Another confidential advisor")
        EXTERNAL = "external", _("An external body")

    class Status(models.TextChoices):
        ASKED = "asked", _("Waiting for the reporter")
        CONSENTED = "consented", _("Consent given, not shared yet")
        REFUSED = "refused", _("Consent refused")
        SHARED = "shared", _("Shared")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    recipient_kind = models.CharField(max_length=30, choices=Recipient.choices)
    recipient = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                  blank=True,
                                  related_name="+")
    # For an external body: its name (an organisation, never a private person).
    external_body = models.CharField(max_length=200, blank=True)
    parts = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASKED)
    is_acute_danger = models.BooleanField(default=False)
    asked_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                 related_name="+")
    question_id = models.BigIntegerField(null=True, blank=True)
    withdraw_question_id = models.BigIntegerField(null=True, blank=True)
    grant_id = models.BigIntegerField(null=True, blank=True)
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["case", "status"], name="consent_case_status")]

    def __str__(self) -> str:
        return f"consent {self.pk} ({self.status})"


class AftercarePlan(models.Model):
    """Aftercare for one party. The accused has a plan of their own: innocent until decided."""

    class Party(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        ACCUSED = "accused", _("Person the report is about")
        # Seed 001, pillar 3: also the people who were affected indirectly (issue 13).
        BYSTANDERS = "bystanders", _("Bystanders and witnesses")
        TEAM = "team", _("The team")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aftercare_plans")
    party = models.CharField(max_length=20, choices=Party.choices)
    # For the accused: when they were heard and when they were informed (dates only).
    heard_at = models.DateField(_("heard on"), null=True, blank=True)
    informed_at = models.DateField(_("informed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="aftercare_plan_once_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.party}"


class AftercareMoment(models.Model):
    class Goal(models.TextChoices):
        SUPPORT = "support", _("Support and follow-up")
        RESTORE_TRUST = "restore_trust", _("Restoring trust")
        EVALUATION = "evaluation", _("Evaluation and learning")

    plan = models.ForeignKey(AftercarePlan, on_delete=models.CASCADE, related_name="moments")
    planned_for = models.DateField(_("planned for"))
    goal = models.CharField(_("goal"), max_length=20, choices=Goal.choices, default=Goal.SUPPORT)
    # What the moment is for, in a few words without names ("follow-up call", "team meeting").
    topic = models.CharField(_("what"), max_length=120)
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["planned_for", "id"]
        indexes = [models.Index(fields=["planned_for"], name="aftercare_due",
                                condition=models.Q(done_at__isnull=True, reminded_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.planned_for} {self.topic}"


class RetaliationCheckin(models.Model):
    """A question to the reporter some months after conclusion: did you suffer for reporting?"""

    class Answer(models.TextChoices):
        NO = "no", _("No")
        YES = "yes", _("Yes")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checkins")
    months_after = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    question_id = models.BigIntegerField(null=True, blank=True)
    answer = models.CharField(max_length=5, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "months_after"], name="checkin_once"),
        ]
        indexes = [models.Index(fields=["sent_at", "due_at"], name="checkin_due")]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.months_after}m"


class AdviceContact(models.Model):
    """A conversation with an advisor that did not become a case. No names, ever."""

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")
        VIDEO = "video", _("Video call")
        EMAIL = "email", _("By e-mail")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="advice_contacts")
    advisor = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                related_name="+")
    contact_date = models.DateField(_("date"))
    category = models.CharField(_("what was it about"), max_length=40, choices=Category.choices)
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices,
                               default=Channel.IN_PERSON)
    route_step = models.CharField(_("route step"), max_length=60, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices,
                               default=Outcome.ADVICE)
    # Optional: the unit it was about, for unit signals (counted only from the threshold, like
    # cases). Lessons from the conversation are `Lesson` rows pointing here (docs/adr/0102).
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("unit"),
                             on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contact_date", "-id"]
        indexes = [models.Index(fields=["organisation", "contact_date"], name="advice_org_date"),
                   models.Index(fields=["advisor", "-contact_date"], name="advice_advisor_date")]

    def __str__(self) -> str:
        return f"{self.contact_date} {self.category}"


class Lesson(models.Model):
    """What the organisation can learn from a case, written without names."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="lessons")
    # The case link is kept for handlers only and dropped when the contents are destroyed.
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="lessons")
    # Or the advice-only conversation it came from (no case); dropped with the contact.
    advice_contact = models.ForeignKey(AdviceContact, on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="lessons")
    text = models.TextField(_("lesson"), max_length=2000)
    theme = models.CharField(_("category"), max_length=40, choices=Category.choices, blank=True)
    created_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="lesson_org_time")]

    def __str__(self) -> str:
        return self.text[:60]


class LessonAction(models.Model):
    """An action a coordinator made of a lesson (used when the quickscan's action plan is absent,
    and as the link to it when present: `quickscan_action_id`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DOING = "doing", _("In progress")
        DONE = "done", _("Done")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    owner = models.CharField(_("who takes it on"), max_length=150, blank=True)
    due_date = models.DateField(_("ready by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    quickscan_action_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class PatternKey(models.Model):
    """The organisation's pattern key (HMAC), sealed for one advisor. The server never holds it
    in clear, so it cannot compute or test person marks on its own (docs/adr/0045)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE, related_name="+")
    sealed_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "membership"], name="patternkey_once"),
        ]

    def __str__(self) -> str:
        return f"pattern key {self.organisation_id} → {self.membership_id}"


class PersonMark(models.Model):
    """A keyed hash of a person a case is about, so repeated cases can be noticed without names."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="person_marks")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    person_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person_hash"], name="personmark_once"),
        ]
        indexes = [models.Index(fields=["organisation", "person_hash", "created_at"],
                                name="personmark_lookup")]

    def __str__(self) -> str:
        return f"mark on {self.case_id}"


class PatternSignal(models.Model):
    """Raised when two or more cases in twelve months share a unit or a person mark."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("Same unit")
        PERSON = "person", _("Same person")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The unit shown (may be a larger unit than the cases' own, for small teams) or the mark.
    unit = models.ForeignKey("organisations.Unit", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    subject_key = models.CharField(max_length=80)
    case_count = models.PositiveIntegerField(default=0)
    first_raised_at = models.DateTimeField()
    last_raised_at = models.DateTimeField()
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_raised_at"]
        indexes = [models.Index(fields=["organisation", "-last_raised_at"],
                                name="patternsignal_org_recent",
                                condition=models.Q(dismissed_at__isnull=True))]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "subject_key"],
                                    name="patternsignal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} signal {self.pk}"


class YearlyFigures(models.Model):
    """The yearly report of one calendar year, computed once after the year has ended.

    Stored already suppressed (only what the report shows: a hidden cell is stored as hidden,
    never its count), so that every later download is the same document. Figures that change
    while people look at them give away single cases: a download before and after one new
    report shows which category it was (docs/adr/0046).
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    frozen_at = models.DateTimeField()
    threshold = models.PositiveSmallIntegerField()
    # {"format": 1, "total_cases": n|null, "advice_contacts": ..., "breakdowns": [...],
    #  "measures": [...]}; null means "hidden". See cases.stats.figures_as_json.
    figures = models.JSONField()
    # The advisors' observations and recommendations for this year (issue 13): written after the
    # figures are fixed, shown to the organisation only once published, and then never changed,
    # like the figures beside them. Their own words, never a report's contents.
    observations = models.TextField(_("observations"), max_length=6000, blank=True)
    recommendations = models.TextField(_("recommendations"), max_length=6000, blank=True)
    narrative_published_at = models.DateTimeField(null=True, blank=True)
    narrative_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="yearlyfigures_once"),
        ]

    def __str__(self) -> str:
        return f"yearly figures {self.year}"


class SavedCaseFilter(models.Model):
    """A handler's own named filter of the case list (issue 13): only the query parameters of
    the list (view, status, category, unit, order), never a name or anything from a report."""

    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE,
                                   related_name="+")
    name = models.CharField(_("name"), max_length=60)
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["membership", "name"],
                                               name="saved_case_filter_name_once")]

    def __str__(self) -> str:
        return self.name


class StandardText(models.Model):
    """An organisation's own standard reply to a reporter (issue 13), with placeholders that are
    filled in per case (`cases.texts`). Not report content: written in advance, without names."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Confirming receipt")
        STATUS = "status", _("How things stand")
        CLOSING = "closing", _("Closing")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"), max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "title"]
        indexes = [models.Index(fields=["organisation", "kind"], name="standardtext_org_kind")]

    def __str__(self) -> str:
        return self.title
