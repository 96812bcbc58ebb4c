"""Data of the code of conduct: versions, acknowledgements, team agreements, discussions, the
welcome path of new colleagues and the yearly review. Constraints only; every write is a service.

Other apps' models are named by string (ADR 0060).
"""

from __future__ import annotations

from uuid import uuid4

from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.storage import private_storage

SECTION_KEYS = ("values", "not_ok", "digital", "crossing", "where_to_go")


def document_path(instance: CodeVersion, filename: str) -> str:
    """A name that says nothing: not the uploader's file name, not guessable."""
    return f"conduct/{instance.organisation_id}/{uuid4().hex}.pdf"


class ConductSettings(models.Model):
    """Per organisation: the choices a coordinator makes once."""

    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.CASCADE,
                                        related_name="+")
    consent_required = models.BooleanField(
        _("works council consent is required before publishing"), default=False)
    public_page = models.BooleanField(_("show the published code on a public page"), default=False)
    named_follow_up = models.BooleanField(
        _("managers may see who in their own team has not acknowledged yet"), default=False)

    class Meta:
        verbose_name = _("settings of the code of conduct")
        verbose_name_plural = _("settings of the code of conduct")

    def __str__(self) -> str:
        return f"conduct settings {self.organisation_id}"


class CodeVersion(models.Model):
    """One version of the organisation's code. Never edited after it was saved: a change is a new
    version. `major` counts versions that members must acknowledge again."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Replaced")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    number = models.PositiveIntegerField()
    major = models.PositiveIntegerField()
    minor = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("short summary"), blank=True)
    sections = models.JSONField(default=dict)  # {section key: text}
    # An organisation's existing code as a PDF beside the summary (then sections may be empty).
    # Private storage, outside MEDIA_ROOT: members download it through a view that checks them.
    document = models.FileField(_("existing code (PDF)"), upload_to=document_path,
                                storage=private_storage, blank=True)
    change_note = models.CharField(_("what changed"), max_length=500)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    consent_on = models.DateField(_("date of the works council's consent"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL,
                                            null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("version of the code of conduct")
        verbose_name_plural = _("versions of the code of conduct")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="conduct_version_number"),
            models.UniqueConstraint(fields=["organisation"], condition=models.Q(status="published"),
                                    name="conduct_one_published_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"


class Acknowledgement(models.Model):
    """A member read and understood a version. The acknowledgement of a major version counts for
    its minor changes too."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    version = models.ForeignKey(CodeVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    major = models.PositiveIntegerField()
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE,
                                   related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledgement of the code")
        verbose_name_plural = _("acknowledgements of the code")
        constraints = [
            models.UniqueConstraint(fields=["membership", "major"], name="conduct_ack_once_per_major"),
        ]

    def __str__(self) -> str:
        return f"ack {self.membership_id} {self.major}"


class AcknowledgementReminder(models.Model):
    """One reminder per person per major version, claimed before it is queued."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE,
                                   related_name="+")
    major = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder to acknowledge the code")
        verbose_name_plural = _("reminders to acknowledge the code")
        constraints = [
            models.UniqueConstraint(fields=["membership", "major"], name="conduct_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"reminder {self.membership_id} {self.major}"


class TeamAgreement(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("team"), on_delete=models.CASCADE,
                             related_name="+")
    text = models.CharField(_("agreement"), max_length=500)
    made_on = models.DateField(_("made on"))
    session_id = models.PositiveBigIntegerField(null=True, blank=True)  # a toolbox session
    last_discussed_on = models.DateField(_("last discussed"))
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team agreement")
        verbose_name_plural = _("team agreements")
        ordering = ["made_on", "pk"]

    def __str__(self) -> str:
        return self.text


class Discussion(models.Model):
    """The team talked about the code or its agreements. The note is short and about no one."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField(_("date"))
    about_code = models.BooleanField(_("we discussed the code of conduct"), default=False)
    agreements = models.ManyToManyField(TeamAgreement, blank=True, related_name="discussions")
    note = models.CharField(_("short note"), max_length=280, blank=True)
    recorded_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discussion of the code or agreements")
        verbose_name_plural = _("discussions of the code or agreements")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"discussion {self.unit_id} {self.held_on}"


class WelcomePath(models.Model):
    """The short onboarding of a new colleague: advisors, route, code, agreements, a buddy."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    membership = models.OneToOneField("organisations.Membership", on_delete=models.CASCADE,
                                      related_name="+")
    buddy = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    started_on = models.DateField()
    advisors_seen_at = models.DateTimeField(null=True, blank=True)
    route_seen_at = models.DateTimeField(null=True, blank=True)
    agreements_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("welcome path")
        verbose_name_plural = _("welcome paths")

    def __str__(self) -> str:
        return f"welcome {self.membership_id}"


class BuddyCheckIn(models.Model):
    WEEKS = (1, 4, 12)

    path = models.ForeignKey(WelcomePath, on_delete=models.CASCADE, related_name="checkins")
    week = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("buddy check-in")
        verbose_name_plural = _("buddy check-ins")
        ordering = ["week"]
        constraints = [models.UniqueConstraint(fields=["path", "week"], name="conduct_checkin_week")]

    def __str__(self) -> str:
        return f"check-in week {self.week}"


class YearlyReview(models.Model):
    class Outcome(models.TextChoices):
        UNCHANGED = "unchanged", _("Reviewed, unchanged")
        NEW_VERSION = "new_version", _("A new version was made")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    due_on = models.DateField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    checklist = models.JSONField(default=list, blank=True)
    note = models.CharField(_("short note"), max_length=500, blank=True)
    version = models.ForeignKey(CodeVersion, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")

    class Meta:
        verbose_name = _("yearly review of the code")
        verbose_name_plural = _("yearly reviews of the code")
        ordering = ["-due_on"]
        constraints = [models.UniqueConstraint(
            fields=["organisation"], condition=models.Q(completed_at__isnull=True),
            name="conduct_one_open_review")]

    def __str__(self) -> str:
        return f"review {self.due_on}"
