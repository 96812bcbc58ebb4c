"""Data of workshops: a pool of trained facilitators (possibly shared by several organisations),
offers per audience, sessions with a duo and a capacity, registrations with a waiting list,
referrals counted without a name, anonymous evaluations (an instrument of the survey engine,
ADR 0080 and 0120) and the facilitators' reflections.
Constraints only; every write is a service (services.py). Other apps' models by string (ADR 0060).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.surveys.public import SurveyGroup, SurveyLink, SurveyResponse, SurveyRound

# Sane bounds for an offer's capacity (issue 16: 4–8 works best; an offer may differ a little).
MIN_SEATS_FLOOR = 3
MAX_SEATS_CEILING = 12


class Pool(models.Model):
    """A pool of facilitators kept by one organisation (an umbrella body or agency may share it
    with member organisations through `PoolMember`)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PoolMember(models.Model):
    """An organisation that joined a shared pool: its members may register for its sessions."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="joined")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "organisation"],
                                               name="workshops_pool_member_once")]

    def __str__(self) -> str:
        return f"pool {self.pool_id} + organisation {self.organisation_id}"


class Facilitator(models.Model):
    """A trained facilitator's profile in one pool."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="facilitators")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE,
                                   related_name="+")
    line_experience = models.BooleanField(_("experience as a manager (line)"), default=False)
    facilitation_experience = models.BooleanField(_("experience as a facilitator"), default=False)
    trained_on = models.DateField(_("training completed on"), null=True, blank=True)
    programme = models.CharField(_("training programme"), max_length=200, blank=True)
    languages = models.CharField(_("languages"), max_length=100, default="nl")
    online = models.BooleanField(_("online"), default=True)
    on_site = models.BooleanField(_("on site"), default=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "membership"],
                                               name="workshops_facilitator_once")]

    def __str__(self) -> str:
        return f"facilitator {self.membership_id} in pool {self.pool_id}"


class Audience(models.TextChoices):
    EMPLOYEES = "employees", _("Employees")
    MANAGERS = "managers", _("Managers")
    PROFESSIONALS = "professionals", _("Professionals (HR, advisors)")
    MT_DAY = "mt_day", _("Management team day")
    NEWCOMERS = "newcomers", _("New colleagues")


class Offer(models.Model):
    """A workshop as offered: one audience, one format, its werkvormen and the facilitators' script."""

    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On site")

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices,
                              default=Format.ONLINE)
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=90)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    werkvorm_slugs = models.JSONField(default=list, blank=True)
    script_opening = models.TextField(_("opening"), blank=True)
    script_ground_rules = models.TextField(_("ground rules on confidentiality"), blank=True)
    script_closing = models.TextField(_("closing"), blank=True)
    min_participants = models.PositiveSmallIntegerField(_("minimum participants"), default=4)
    max_participants = models.PositiveSmallIntegerField(_("maximum participants"), default=8)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_minutes__gte=60,
                                                      duration_minutes__lte=120),
                                   name="workshops_offer_duration"),
            models.CheckConstraint(
                condition=models.Q(min_participants__gte=MIN_SEATS_FLOOR,
                                   max_participants__lte=MAX_SEATS_CEILING,
                                   min_participants__lte=models.F("max_participants")),
                name="workshops_offer_capacity"),
        ]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    # An in-company session for one unit (a team or an MT day); empty for an open session.
    for_unit = models.ForeignKey("organisations.Unit", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    facilitator_a = models.ForeignKey(Facilitator, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="session_a")
    facilitator_b = models.ForeignKey(Facilitator, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="session_b")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    low_flagged_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The calendar invite's SEQUENCE (RFC 5545): raised on every move and on cancelling, so a
    # calendar replaces the event it holds under the same UID.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["offer", "starts_at"]),
                   models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"session {self.pk} of offer {self.offer_id}"


class Registration(models.Model):
    """A member's seat or place on the waiting list. Seen by the session's duo only."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE,
                                   related_name="+")
    # Kept at registration for figures per organisation and unit (the person may move later).
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    is_manager = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    evaluated = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["session", "membership"], condition=~models.Q(status="cancelled"),
            name="workshops_registration_once")]
        indexes = [models.Index(fields=["session", "status", "created_at"]),
                   models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"registration {self.pk} ({self.status})"


class Referral(models.Model):
    """"A referral was made" — no name, no content, no time finer than the session's."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="referrals")

    def __str__(self) -> str:
        return f"referral in session {self.session_id}"


# --- the evaluation, an instrument of the survey engine (ADR 0080, 0120) ----------------------

EVALUATION_ITEMS = ("useful", "safe", "facilitation")
EVALUATION_VERSION = 1


class EvaluationRound(SurveyRound):
    """The evaluation of one session: a round of the instrument "workshop evaluation"."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    session = models.OneToOneField(Session, on_delete=models.CASCADE,
                                   related_name="evaluation_round")
    instrument_version = models.PositiveSmallIntegerField(default=EVALUATION_VERSION)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "created_at"])]


class EvaluationGroup(SurveyGroup):
    """The session's participants: one group per round."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="groups")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "slug"],
                                               name="workshops_evaluation_group_once")]


class EvaluationLink(SurveyLink):
    """A registered participant's place in the round, bound to them; spent once they answered.
    Never e-mailed: the participant answers on the session page, logged in."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="links")
    group = models.ForeignKey(EvaluationGroup, on_delete=models.CASCADE, related_name="links")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE,
                                   null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["round", "membership"], condition=models.Q(membership__isnull=False),
            name="workshops_evaluation_link_once")]


class EvaluationResponse(SurveyResponse):
    """One participant's answers ({item: 1–5}), cut loose from the link on submission."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(EvaluationGroup, on_delete=models.CASCADE, related_name="responses")
    token = models.OneToOneField(EvaluationLink, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="draft")

    class Meta:
        indexes = [models.Index(fields=["round", "submitted"])]


class Reflection(models.Model):
    """A facilitator's own look back on a session, for the next training."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reflections")
    facilitator = models.ForeignKey(Facilitator, on_delete=models.CASCADE, related_name="+")
    went_well = models.TextField(_("what went well"))
    needed = models.TextField(_("what you needed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "facilitator"],
                                               name="workshops_reflection_once")]

    def __str__(self) -> str:
        return f"reflection {self.pk} on session {self.session_id}"


class WorkshopRequest(models.Model):
    """A manager or MT asks for an in-company workshop for their unit; the coordinator matches it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MATCHED = "matched", _("Matched")

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="requests")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL,
                                     null=True, related_name="+")
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    wish = models.CharField(_("what you would like"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"request {self.pk} for unit {self.unit_id}"
