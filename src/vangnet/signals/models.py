"""Signals' own data: the HR figures per unit per quarter, their imports, and the link from an
alert to the action it became (the action itself lives in the quickscan's action plan)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HRFigure(models.Model):
    """HR's figures for the people directly in one unit (not its sub-units) in one quarter."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("unit"),
                             on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    headcount = models.PositiveIntegerField(_("headcount"))
    absence_percent = models.DecimalField(_("absence %"), max_digits=5, decimal_places=2)
    sick_reports = models.PositiveIntegerField(_("sick reports"))
    leavers = models.PositiveIntegerField(_("leavers"))
    exit_themes = models.JSONField(default=dict, blank=True)  # theme key -> count
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "quarter", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="hr_figure_once"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4),
                                   name="hr_figure_quarter"),
        ]
        indexes = [models.Index(fields=["organisation", "year", "quarter"], name="hr_org_quarter")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}-K{self.quarter}"


class HRImport(models.Model):
    """A CSV import of HR figures, run in the background; all rows or none."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Rejected")
        DONE = "done", _("Done")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    csv_text = models.TextField()  # emptied when the import ends
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"line": n, "message": "..."}]
    imported = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="hr_import_org")]

    def __str__(self) -> str:
        return f"hr import {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return 100 if not self.total_rows else int(100 * self.processed_rows / self.total_rows)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class AlertAction(models.Model):
    """An alert that was turned into an action of the shared action plan (quickscan's)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    alert_key = models.CharField(max_length=200)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    action_id = models.PositiveBigIntegerField()  # quickscan's Action
    measures = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "alert_key"],
                                               name="alert_action_once")]

    def __str__(self) -> str:
        return self.alert_key
