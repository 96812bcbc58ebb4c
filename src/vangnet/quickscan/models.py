"""Quickscan rounds, their respondent groups, links, answers and the action plan: the quickscan's
tables on the survey engine's abstract models (`vangnet.surveys`, ADR 0080).

Privacy by construction (docs/adr/0021, 0053):
- a personal link is bound to one member of the organisation (so that nobody can hand themselves a
  pile of links and pad a group), minted and e-mailed by a background task and stored only as a
  SHA-256 hash; nobody sees it but the member;
- a response keeps its link only while it is a draft; on submission the link is marked spent and
  the response is cut loose from it (token = NULL) and loses its last-change time, so the answers
  are tied to nobody; closing the round marks every link spent and rewrites the answers in random
  order, so not even participation or row order is left to link;
- each response records only HOW it came in (bound personal link, shared link, or an old unbound
  link): answers through shared or unbound links never on their own lift a group over the
  threshold, unless the organisation accepted that risk for the round (RiskAcceptance);
- nothing stores an IP address or user agent.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vangnet.surveys.public import (
    SurveyGroup,
    SurveyLink,
    SurveyResponse,
    SurveyRiskAcceptance,
    SurveyRound,
)


class Round(SurveyRound):
    """A quickscan round on the survey engine (ADR 0080): title, status, closing time and the
    threshold come from `SurveyRound`."""

    class Kind(models.TextChoices):
        GROUPS = "groups", _("Several groups")
        SOLO = "solo", _("On my own")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="quickscan_rounds")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GROUPS)
    created_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    # A round for one unit and the units below it (ADR 0116); none: the whole organisation. The
    # name is kept: a round whose unit was deleted stays a unit's round (seen by the coordinator
    # only), never becomes one of the whole organisation.
    unit = models.ForeignKey("organisations.Unit", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("unit"))
    unit_name = models.CharField(max_length=150, blank=True)
    # The version of the statements this round is answered on (content/quickscan/statements*.toml).
    # Rounds from before version 2 stay on version 1, so their answers keep their meaning.
    instrument_version = models.PositiveSmallIntegerField(default=2)
    # A closed round's counts (`scoring.Tally`), made once at closing (ADR 0115): a closed round
    # cannot change, so its results are computed from this and never again from the answers.
    # Counts only: no answer of any one person, no label (renamed groups show their new name).
    results_snapshot = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quickscan round")
        verbose_name_plural = _("quickscan rounds")

    @property
    def is_solo(self) -> bool:
        return self.kind == self.Kind.SOLO

    @property
    def for_unit(self) -> bool:
        return bool(self.unit_name)


class GroupName(models.Model):
    """The organisation's own name for a respondent group of the instrument, or a group of its
    own (ADR 0117). Without a row, a group of the instrument has the instrument's name."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="quickscan_group_names")
    slug = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"],
                                               name="quickscan_group_name_once")]

    def __str__(self) -> str:
        return self.name


class RoundGroup(SurveyGroup):
    """A group of respondents in a round (management, HR, works council, ...)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "slug"], name="quickscan_group_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} / {self.slug}"


class RespondentToken(SurveyLink):
    """One personal, single-use link of one member in one group of a round.

    `token_hash` is empty until the background task mints the link and e-mails it to the member;
    a reminder mints a new one (the old link stops working, a draft carries on). Links made before
    links were bound to members have no membership ("unbound"): they still work until the round
    closes, and their answers count like shared-link answers.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tokens")
    group = models.ForeignKey(RoundGroup, on_delete=models.CASCADE, related_name="tokens")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE, null=True,
                                   blank=True,
                                   related_name="quickscan_links")

    class Meta:
        ordering = ["pk"]
        constraints = [
            # A member gets one link per round, so is in one group of it and cannot answer twice.
            models.UniqueConstraint(fields=["round", "membership"],
                                    condition=models.Q(membership__isnull=False),
                                    name="quickscan_one_link_per_member_per_round"),
        ]


class Response(SurveyResponse):
    """One respondent's answers: a draft while they fill it in, then submitted and detached."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(RoundGroup, on_delete=models.CASCADE, related_name="responses")
    token = models.OneToOneField(RespondentToken, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="draft")

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["round", "submitted"])]


class RiskAcceptance(SurveyRiskAcceptance):
    """The organisation's written acceptance that shared-link answers count for one round.

    Without it, a group whose count reaches the threshold only through shared-link (or unbound)
    answers is treated as too small. Kept for the record and shown on the report: who, when, the
    exact text they confirmed, and why.
    """

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="risk_acceptance")
    accepted_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("accepted risk of shared links")
        verbose_name_plural = _("accepted risks of shared links")

    def __str__(self) -> str:
        return f"{self.round} / {self.accepted_at:%Y-%m-%d}"


class Action(models.Model):
    """One action of the organisation's action plan, usually born from a priority."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("quickscan action", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("quickscan action", "In progress")
        DONE = "done", pgettext_lazy("quickscan action", "Done")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="quickscan_actions")
    round = models.ForeignKey(Round, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="actions", verbose_name=_("round"))
    statement_code = models.CharField(_("statement"), max_length=10, blank=True)
    pillar = models.PositiveSmallIntegerField(_("pillar"), null=True, blank=True)
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("what we will do"), blank=True)
    owner = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True,
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
