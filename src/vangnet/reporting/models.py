"""Reporting: the organisation's route, advisors' public profiles, key pairs, and encrypted reports.

Data and constraints only. Every sensitive text is ciphertext (docs/adr/0030): a model field named
`*_ciphertext` or `sealed_*` never holds plaintext. What stays readable is workflow metadata
(category, mode, channel, route step, dates, unit) so that deadlines and statistics work.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.storage import private_storage

from .categories import Category, DiscriminationGround, ordered_categories


class StepKind(models.TextChoices):
    SPEAK_UP = "speak_up", _("Speak up yourself")
    MANAGER = "manager", _("Your manager")
    ADVISOR = "advisor", _("A confidential advisor")
    HR = "hr", _("HR")
    COMPLAINTS_COMMITTEE = "complaints_committee", _("The complaints committee")
    EXTERNAL = "external", _("Outside the organisation")


class ReportingRoute(models.Model):
    """The route of an organisation (unit empty) or a unit's own version of it."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", help_text=_("Leave empty for the whole organisation."),
    )
    introduction = models.TextField(_("introduction"), blank=True)
    complaints_procedure_text = models.TextField(_("complaints procedure"), blank=True)
    complaints_procedure_file = models.FileField(
        _("complaints procedure (document)"), upload_to="reporting/procedures/", blank=True
    )
    default_recipient = models.ForeignKey(
        "organisations.Membership", verbose_name=_("default recipient of reports"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reporting route")
        verbose_name_plural = _("reporting routes")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(unit__isnull=True),
                name="reportingroute_one_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation", "unit"], name="reportingroute_one_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"route {self.organisation_id}/{self.unit_id or '-'}"


class RouteStep(models.Model):
    """One step of a route, in order; each kind at most once. `external_bodies` lists codes
    from `route.EXTERNAL_BODIES` (the external step only)."""

    route = models.ForeignKey(ReportingRoute, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=30, choices=StepKind.choices)
    title = models.CharField(_("title"), max_length=150, blank=True)
    description = models.TextField(_("what happens at this step"), blank=True)
    is_enabled = models.BooleanField(_("shown"), default=True)
    external_bodies = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("route step")
        verbose_name_plural = _("route steps")
        constraints = [
            models.UniqueConstraint(fields=["route", "kind"], name="routestep_kind_once_per_route")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.kind}"


class RouteContact(models.Model):
    """A place outside the organisation that the coordinator adds to the route's external step
    (a local anti-discrimination office, the company doctor, the sector's helpline, ...)."""

    route = models.ForeignKey(ReportingRoute, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("what they can do for you"), max_length=500, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    url = models.URLField(_("website"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("contact outside the organisation")
        verbose_name_plural = _("contacts outside the organisation")

    def __str__(self) -> str:
        return f"contact {self.pk} of route {self.route_id}"


class AdvisorProfile(models.Model):
    """What reporters see of a confidential advisor (or other recipient) on the public page."""

    membership = models.OneToOneField(
        "organisations.Membership", on_delete=models.CASCADE, related_name="advisor_profile"
    )
    photo = models.ImageField(_("photo"), upload_to="reporting/advisors/", blank=True)
    introduction = models.TextField(_("short introduction"), blank=True)
    how_to_reach = models.TextField(_("how to reach me"), blank=True)
    availability = models.CharField(_("when I can be reached"), max_length=300, blank=True)
    is_listed = models.BooleanField(_("show on the public page"), default=True)

    class Meta:
        verbose_name = _("advisor profile")
        verbose_name_plural = _("advisor profiles")

    def __str__(self) -> str:
        return f"profile {self.membership_id}"


class UserKeyPair(models.Model):
    """A recipient's X25519 key pair. The private key is stored twice, both times encrypted:
    under an Argon2id key from the password, and under one from the recovery key (shown once).
    One per user, so an external advisor serving several organisations unlocks once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reporting_keypair"
    )
    public_key = models.BinaryField()
    password_salt = models.BinaryField()
    private_by_password = models.BinaryField()
    recovery_salt = models.BinaryField()
    private_by_recovery = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("key pair")
        verbose_name_plural = _("key pairs")

    def __str__(self) -> str:
        return f"keypair of user {self.user_id}"


class OrganisationRecoveryKey(models.Model):
    """The organisation's continuity key: every report key is also sealed for it. The private
    half is shown once to the coordinator to keep offline (ADR 0031). Only the newest counts."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    public_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("organisation recovery key")
        verbose_name_plural = _("organisation recovery keys")

    def __str__(self) -> str:
        return f"recovery key {self.pk} of {self.organisation_id}"


class Report(models.Model):
    class Mode(models.TextChoices):
        ANONYMOUS = "anonymous", _("Anonymous")
        CONFIDENTIAL = "confidential", _("Confidential")
        OPEN = "open", _("Open")

    class Channel(models.TextChoices):
        WEB = "web", _("Website")
        API = "api", _("API")
        ORAL = "oral", _("Oral (phone or in person)")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("unit"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    # The primary category; `categories` holds every category the reporter chose, the primary
    # first (docs/adr/0100). Metadata in the clear, like the category always was.
    category = models.CharField(_("what it is about"), max_length=40, choices=Category.choices)
    categories = models.JSONField(_("what it is about"), default=list, blank=True)
    discrimination_ground = models.CharField(
        _("ground of discrimination"), max_length=40, choices=DiscriminationGround.choices,
        blank=True,
    )
    mode = models.CharField(_("how you are known"), max_length=20, choices=Mode.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # The language the reporter wrote in (the page's language when they sent it), so the advisor
    # knows in which language to answer (issue 12).
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    route_step = models.CharField(max_length=30, choices=StepKind.choices, default=StepKind.ADVISOR)
    is_whistleblowing = models.BooleanField(_("wrongdoing in the public interest"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    # Reporter access: SHA-256 of a value derived from the receipt code (ADR 0032); the report key
    # encrypted under the other half of that derivation.
    receipt_hash = models.CharField(max_length=64, unique=True)
    reporter_sealed_key = models.BinaryField()
    # The organisation recovery key's copy of the report key (ADR 0031).
    recovery_key = models.ForeignKey(
        OrganisationRecoveryKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recovery_sealed_key = models.BinaryField(null=True, blank=True)
    # A per-report box key pair: the server can write messages for the report (sealed to the
    # public key) without being able to read them; the private key is under the report key.
    box_public_key = models.BinaryField()
    box_private_ciphertext = models.BinaryField()
    # All parts of the account (narrative, when, where, ...) as one JSON document, SecretBox.
    content_ciphertext = models.BinaryField()
    # Optional e-mail address for "there is a new message", under a server key (ADR 0030).
    notify_ciphertext = models.BinaryField(null=True, blank=True)
    # Conflict of interest: keyed hashes of the memberships named as involved (ADR 0030).
    involved_tags = models.JSONField(default=list, blank=True)
    reporter_last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["organisation", "created_at"]),
                   # The inbox: newest first, ties by id (selectors.inbox_reports_for).
                   models.Index(fields=["organisation", "-created_at", "-id"],
                                name="report_org_newest")]

    def __str__(self) -> str:
        return f"report {self.pk}"

    @property
    def category_labels(self) -> str:
        """Every category, the primary first, as one line ("Bullying, Discrimination")."""
        values = ordered_categories(list(self.categories or []), primary=self.category)
        return ", ".join(str(Category(value).label) for value in values)


class ReportRecipient(models.Model):
    """One per person who holds the full report key."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="recipients")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE, related_name="+")
    sealed_key = models.BinaryField(null=True, blank=True)
    role_at_time = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "membership"], name="reportrecipient_once_per_report"
            )
        ]

    def __str__(self) -> str:
        return f"recipient {self.membership_id} of report {self.report_id}"


class Message(models.Model):
    class AuthorKind(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        HANDLER = "handler", _("Handler")
        SYSTEM = "system", _("System")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    author = models.ForeignKey(
        "organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Sealed to the report's box public key.
    ciphertext = models.BinaryField()
    kind = models.CharField(max_length=40, default="text")
    payload = models.JSONField(default=dict, blank=True)  # non-sensitive metadata only
    read_by_reporter_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"message {self.pk} ({self.author_kind})"


class Attachment(models.Model):
    """A file, sealed to the report's box key and stored under a random name."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    # Outside the web root (core.storage): only the access-checking views ever read it.
    file = models.FileField(upload_to="reporting/files/", storage=private_storage)
    # {"name": ..., "content_type": ..., "metadata_removed": bool}, sealed like the file.
    meta_ciphertext = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class DialogueQuestion(models.Model):
    """A question to the reporter with fixed choices; the question text is the linked message."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="questions")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=40)
    choices = models.JSONField(default=list)  # [[value, label], ...]; labels are not sensitive
    answer = models.CharField(max_length=100, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ref = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("question to the reporter")
        verbose_name_plural = _("questions to the reporter")

    def __str__(self) -> str:
        return f"question {self.pk} ({self.kind})"


class ReportGrant(models.Model):
    """Parts of a report shared with someone, with the reporter's consent, under a new key."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="grants")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE, related_name="+")
    parts = models.JSONField(default=list)
    sealed_key = models.BinaryField(null=True, blank=True)
    # The granted parts and the reason, as JSON under the grant's own key.
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        "organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("shared part of a report")
        verbose_name_plural = _("shared parts of reports")

    def __str__(self) -> str:
        return f"grant {self.pk} of report {self.report_id}"


class KeyInvitation(models.Model):
    """Someone without a case-reading role (usually a manager) whom a recipient wants to share
    consented parts of a report with, asked to set up their personal key pair first (ADR 0075).

    It lets that person create a key (the unlock page is otherwise only for case-reading roles)
    until it expires or the share is made. It says nothing about the report but its id."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE,
                                   related_name="+")
    invited_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "membership"],
                                               name="key_invitation_once_per_report")]
        indexes = [models.Index(fields=["membership", "expires_at"], name="key_invitation_member")]

    def __str__(self) -> str:
        return f"key invitation {self.pk}"


class RecipientUnavailability(models.Model):
    """An explicit decision that a recipient cannot handle their reports for now (long illness,
    suspension, a conflict that came up later). Only while one is open may the organisation
    recovery key give their reports to a successor although they still work here (ADR 0031).
    The reason is a short note without report content; the person is told by e-mail."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    declared_by = models.ForeignKey(
        "organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        "organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = _("declared unavailability")
        verbose_name_plural = _("declared unavailabilities")
        constraints = [
            models.UniqueConstraint(
                fields=["membership"], condition=models.Q(ended_at__isnull=True),
                name="unavailability_one_open_per_membership",
            )
        ]

    def __str__(self) -> str:
        return f"unavailability {self.pk} of {self.membership_id}"


class RecoveryRequest(models.Model):
    """Two people decide before the organisation recovery key gives reports to a successor
    (ADR 0031): the coordinator asks, naming the successor; a second, different person who may
    read cases approves in the product; then the coordinator enters the offline key. Neither of
    them can be the successor. A request expires when it is not carried out in time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not carried out yet")
        REFUSED = "refused", _("Refused")
        DONE = "done", _("Carried out")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    successor = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        "organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        "organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    carried_out_at = models.DateTimeField(null=True, blank=True)
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("recovery request")
        verbose_name_plural = _("recovery requests")
        constraints = [
            # The database refuses it too: nobody gives reports to themselves, and the second
            # person is really a second person.
            models.CheckConstraint(
                condition=~models.Q(requested_by=models.F("successor")),
                name="recoveryrequest_requester_is_not_successor",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("successor")),
                name="recoveryrequest_approver_is_not_successor",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="recoveryrequest_approver_is_not_requester",
            ),
        ]

    def __str__(self) -> str:
        return f"recovery request {self.pk} ({self.status})"


class CallbackSlot(models.Model):
    """A time an advisor offers for a first conversation ("talk first", issue 12). Public: only
    the time and the advisor are shown, never whether or by whom it was taken."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    advisor = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("time slot for a call-back")
        verbose_name_plural = _("time slots for a call-back")
        indexes = [models.Index(fields=["organisation", "starts_at"], name="callback_slot_org_start")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class CallbackRequest(models.Model):
    """"I want to talk to someone before I report": a way to be reached, encrypted like a report
    for its one recipient (a fresh key sealed to their public key and to the organisation's
    recovery key). Stored: the organisation, the recipient, the day (not the time), the chosen
    slot. No address, no user agent, no receipt code."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    slot = models.OneToOneField(CallbackSlot, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="request")
    requested_on = models.DateField(_("requested on"))
    sealed_key = models.BinaryField()
    recovery_key = models.ForeignKey(OrganisationRecoveryKey, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    recovery_sealed_key = models.BinaryField(null=True, blank=True)
    content_ciphertext = models.BinaryField()
    handled_on = models.DateField(_("handled on"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("call-back request")
        verbose_name_plural = _("call-back requests")
        indexes = [models.Index(fields=["recipient", "handled_on"], name="callback_recipient_open")]

    def __str__(self) -> str:
        return f"callback {self.pk}"


class RecipientTally(models.Model):
    """Running totals for the coordinator's recipients overview (docs/adr/0095): per person the
    reports they receive, how many rest on them alone and how many of those have no other copy
    of the key; the organisation's row (no person) counts the reports nobody active can open.

    Kept by `holdings.refresh` from `ReportHoldingState` (what each report adds) whenever
    recipients, a report's recovery copy or a person's activity change, so the page reads a few
    rows whatever the number of reports. Counts only; person and organisation by id (a row of
    someone deleted is simply never shown)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    membership_id = models.BigIntegerField(null=True, blank=True)
    reports = models.IntegerField(default=0)
    alone = models.IntegerField(default=0)
    stuck = models.IntegerField(default=0)
    unreadable = models.IntegerField(default=0)
    recoverable = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "membership_id"],
                                    name="recipienttally_once"),
            models.UniqueConstraint(fields=["organisation"], name="recipienttally_org_once",
                                    condition=models.Q(membership_id__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"tally {self.organisation_id}/{self.membership_id}"


class ReportHoldingState(models.Model):
    """What one report adds to the tallies now ({membership id: [reports, alone, stuck]} and
    whether nobody active can open it), so that a change applies only the difference. The
    report by id (no foreign key): its removal subtracts this row after the report is gone."""

    report_id = models.BigIntegerField(primary_key=True)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    holders = models.JSONField(default=dict)
    unreadable = models.BooleanField(default=False)
    recoverable = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"holding state of report {self.report_id}"
