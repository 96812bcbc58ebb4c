"""Quickscan rounds, their respondent groups, anonymous links, answers and the action plan.

Privacy by construction (docs/adr/0021):
- a personal link is stored only as a SHA-256 hash; no e-mail address or name is stored with it;
- a response keeps its link only while it is a draft; on submission the link is marked spent and
  the response is cut loose from it (token = NULL) and loses its last-change time;
- nothing stores an IP address or user agent.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vangnet.organisations.models import Membership, Organisation


class Round(models.Model):
    class Kind(models.TextChoices):
        GROUPS = "groups", _("Several groups")
        SOLO = "solo", _("On my own")

    class Status(models.TextChoices):
        # Contexts keep these short words from clashing with other apps' catalogues.
        OPEN = "open", pgettext_lazy("quickscan round", "Open")
        CLOSED = "closed", pgettext_lazy("quickscan round", "Closed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="quickscan_rounds")
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GROUPS)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    created_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The threshold at closing: a later change of the setting does not change a frozen report.
    threshold = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quickscan round")
        verbose_name_plural = _("quickscan rounds")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_solo(self) -> bool:
        return self.kind == self.Kind.SOLO


class RoundGroup(models.Model):
    """A group of respondents in a round (management, HR, works council, ...)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    slug = models.SlugField(max_length=40)
    # A shared link, usable by many; stored as a hash like personal links (shown once).
    shared_token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "slug"], name="quickscan_group_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} / {self.slug}"


class RespondentToken(models.Model):
    """One personal, single-use link. Knows its group, never its person."""

    group = models.ForeignKey(RoundGroup, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    spent = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"link {self.pk}"


class Response(models.Model):
    """One respondent's answers: a draft while they fill it in, then submitted and detached."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(RoundGroup, on_delete=models.CASCADE, related_name="responses")
    token = models.OneToOneField(RespondentToken, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="draft")
    # A draft from a shared link is found by the hash of a random id kept in a cookie.
    draft_key_hash = models.CharField(max_length=64, blank=True, db_index=True)
    answers = models.JSONField(default=dict)
    submitted = models.BooleanField(default=False)
    # Only for drafts (clean-up of abandoned drafts); cleared on submission.
    draft_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["round", "submitted"])]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Action(models.Model):
    """One action of the organisation's action plan, usually born from a priority."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("quickscan action", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("quickscan action", "In progress")
        DONE = "done", pgettext_lazy("quickscan action", "Done")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="quickscan_actions")
    round = models.ForeignKey(Round, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="actions", verbose_name=_("round"))
    statement_code = models.CharField(_("statement"), max_length=10, blank=True)
    pillar = models.PositiveSmallIntegerField(_("pillar"), null=True, blank=True)
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("what we will do"), blank=True)
    owner = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="quickscan_actions", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title
