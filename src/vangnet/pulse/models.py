"""The pulse's tables on the survey engine (ADR 0080, 0081).

A `PulsePlan` is what the coordinator (or a manager for their own units) plans: units, a cadence
(once, monthly, quarterly) and how long each wave stays open. Each wave is a `PulseRound`, with one
`PulseGroup` per unit (the unit's own members). The threshold is fixed when a wave opens and told to
respondents. Personal links (`PulseLink`) are bound to members and sent by the worker; answers
(`PulseResponse`) are cut loose from them on submission (the engine). The pulse has no shared
links: every answer comes through a bound personal link, so none can be padding. When a wave closes, its
results are computed once and kept suppressed (`PulseRound.results`): a closed wave cannot change,
so no page recomputes it from the answers.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.surveys.public import (
    SurveyGroup,
    SurveyLink,
    SurveyResponse,
    SurveyRound,
)


class PulseSettings(models.Model):
    """Per organisation: the choices a coordinator makes once for the pulse."""

    organisation = models.OneToOneField("organisations.Organisation", on_delete=models.CASCADE,
                                        related_name="pulse_settings")
    # The default: employees see their own team's results once a wave closes (only a
    # team at or above the threshold, only their own team).
    employees_see_results = models.BooleanField(
        _("employees see their own team's results once a wave is closed"), default=True)

    class Meta:
        verbose_name = _("pulse settings")
        verbose_name_plural = _("pulse settings")

    def __str__(self) -> str:
        return f"pulse settings {self.organisation_id}"


class PulsePlan(models.Model):
    class Cadence(models.TextChoices):
        ONCE = "once", _("Once")
        MONTHLY = "monthly", _("Every month")
        QUARTERLY = "quarterly", _("Every quarter")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="pulse_plans")
    title = models.CharField(_("title"), max_length=150)
    cadence = models.CharField(_("how often"), max_length=10, choices=Cadence.choices,
                               default=Cadence.QUARTERLY)
    units = models.ManyToManyField("organisations.Unit", related_name="pulse_plans",
                                   verbose_name=_("departments or teams"))
    open_days = models.PositiveSmallIntegerField(_("days open"), default=14)
    next_start = models.DateField(_("next start"), null=True, blank=True)
    created_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["active", "next_start"])]

    def __str__(self) -> str:
        return self.title


class PulseRound(SurveyRound):
    """One wave of a plan."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="pulse_rounds")
    plan = models.ForeignKey(PulsePlan, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="rounds")
    wave = models.PositiveSmallIntegerField(default=1)
    closes_on = models.DateField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    instrument_version = models.PositiveSmallIntegerField(default=1)
    # The suppressed results, computed once at closing (results.py); empty while open.
    results = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status", "-created_at"]),
                   models.Index(fields=["status", "closes_on"])]


class PulseGroup(SurveyGroup):
    """The respondents of one unit in one wave (the unit's own members, not its sub-units)."""

    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="groups")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.SET_NULL, null=True,
                             related_name="+")
    # The unit's name and parent when the wave opened: a closed wave keeps its shape.
    unit_name = models.CharField(max_length=150)
    parent_unit_id = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "slug"], name="pulse_group_once_per_round")
        ]

    def __str__(self) -> str:
        return self.unit_name


class PulseLink(SurveyLink):
    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="links")
    group = models.ForeignKey(PulseGroup, on_delete=models.CASCADE, related_name="links")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE, null=True,
                                   blank=True, related_name="pulse_links")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "membership"],
                                    condition=models.Q(membership__isnull=False),
                                    name="pulse_one_link_per_member_per_round"),
        ]


class PulseResponse(SurveyResponse):
    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(PulseGroup, on_delete=models.CASCADE, related_name="responses")
    token = models.OneToOneField(PulseLink, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="draft")

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["round", "submitted"])]


class PulseUnitResult(models.Model):
    """One unit's entry of a closed wave's suppressed results, kept beside the wave's snapshot
    (ADR 0135): the same dict as in `PulseRound.results["units"]` (shown or not, with the reason),
    so that a team's trend reads one row per wave for that team instead of every wave's results
    for all teams. Written once at closing, with the snapshot; never edited."""

    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="unit_results")
    # Plain numbers, as in the snapshot: a closed wave keeps its shape when a unit is removed.
    unit_id = models.IntegerField()
    group_id = models.IntegerField()
    entry = models.JSONField()

    class Meta:
        ordering = ["round_id", "group_id"]
        indexes = [models.Index(fields=["unit_id", "round"], name="pulse_unitresult_unit_round")]
        constraints = [
            models.UniqueConstraint(fields=["round", "group_id"],
                                    name="pulse_unit_result_once_per_group"),
        ]

    def __str__(self) -> str:
        return f"unit {self.unit_id} in wave {self.round_id}"


class TeamAction(models.Model):
    """An action a team agreed after discussing a wave's results; the next wave shows them."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="pulse_actions")
    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="actions")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("what we agreed"), max_length=300)
    done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["unit", "round"])]

    def __str__(self) -> str:
        return self.text
