"""The survey engine's tables, as abstract models: each instrument (quickscan, pulse, workshop
evaluations) has its own tables with these fields and adds its own (ADR 0080).

Conventions the engine relies on (`engine.SurveyTables`): a group has a foreign key `round`; a
link has `round`, `group`, `membership` (nullable: unbound) and is the `token` of a draft; a
response has `round`, `group` and `token`. The foreign keys live on the concrete models because
their related names are the instrument's own.

Privacy by construction (ADR 0021, 0053): a link is stored as a SHA-256 hash only; a response keeps
its link only while it is a draft; on submission it is cut loose (token = NULL) and loses its
last-change time; closing spends every link and rewrites the answers in random order; a response
records only HOW it came in (`channel`); nothing stores an IP address or user agent.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SurveyRound(models.Model):
    class Status(models.TextChoices):
        # Contexts keep these short words from clashing with other apps' catalogues.
        OPEN = "open", pgettext_lazy("survey round", "Open")
        CLOSED = "closed", pgettext_lazy("survey round", "Closed")

    title = models.CharField(_("title"), max_length=150)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Fixed when the round opens (and stated to respondents); frozen at closing.
    threshold = models.PositiveSmallIntegerField(default=5)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SurveyGroup(models.Model):
    """A group of respondents in a round; its shared link is stored as a hash (shown once)."""

    slug = models.SlugField(max_length=40)
    shared_token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        abstract = True


class SurveyLink(models.Model):
    """One personal, single-use link of one member in one group of a round.

    `token_hash` is empty until the worker mints the link and e-mails it to the member; a reminder
    mints a new one (the old link stops working, a draft carries on).
    """

    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    spent = models.BooleanField(default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"link {self.pk}"


class SurveyResponse(models.Model):
    """One respondent's answers: a draft while they fill it in, then submitted and detached."""

    class Channel(models.TextChoices):
        PERSONAL = "personal", _("Personal link")
        SHARED = "shared", _("Shared link")
        # A personal link not bound to a member: nobody can tell who had it, so it counts like a
        # shared-link answer.
        UNBOUND = "unbound", _("Link not bound to a person")

    # A draft from a shared link is found by the hash of a random id kept in a cookie.
    draft_key_hash = models.CharField(max_length=64, blank=True, db_index=True)
    answers = models.JSONField(default=dict)
    # Unbound unless the code knows better: the safe side of the shared-link rule.
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.UNBOUND)
    submitted = models.BooleanField(default=False)
    # Only for drafts (clean-up of abandoned drafts); cleared on submission.
    draft_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"response {self.pk}"


class SurveyRiskAcceptance(models.Model):
    """The organisation's written acceptance that shared-link answers count for one round."""

    # The name at the time: the record stays readable when the person leaves.
    accepted_by_name = models.CharField(max_length=150)
    accepted_at = models.DateTimeField()
    statement = models.TextField()
    reason = models.TextField()

    class Meta:
        abstract = True
