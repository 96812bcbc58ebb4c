"""Toolbox data: werkvormen (built-in and per organisation), team sessions and team routines.

Dilemmas, the glossary and the FAQ are read-only product texts: they are served from the validated
content files (see `content.py` and ADR 0010) and have no tables.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Werkvorm(models.Model):
    """A team exercise or conversation guide. `organisation=None` means built-in (from content/)."""

    class Kind(models.TextChoices):
        EXERCISE = "exercise", _("Exercise")
        CONVERSATION_GUIDE = "conversation-guide", _("Conversation guide")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, null=True, blank=True,
        related_name="werkvormen"
    )
    slug = models.SlugField(max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.EXERCISE)
    # Lists kept as ",a,b," tokens: filterable with one `contains` on SQLite and PostgreSQL alike
    # (JSON containment is not available on SQLite). The JSON lists are the source of truth.
    pillars = models.JSONField(default=list)
    themes = models.JSONField(default=list, blank=True)
    audience = models.JSONField(default=list)
    related = models.JSONField(default=list, blank=True)
    pillars_tag = models.CharField(max_length=20, blank=True)
    themes_tag = models.CharField(max_length=500, blank=True)
    audience_tag = models.CharField(max_length=100, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"))
    group_min = models.PositiveSmallIntegerField(_("smallest group"), default=1)
    group_max = models.PositiveSmallIntegerField(_("largest group"), default=30)
    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    purpose_nl = models.TextField()
    purpose_en = models.TextField()
    # preparation, steps, why, who_what_where, tips, safety_note per language.
    body_nl = models.JSONField(default=dict)
    body_en = models.JSONField(default=dict)
    # Flattened body text per language for search (steps, why, tips ...).
    search_text_nl = models.TextField(blank=True)
    search_text_en = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title_nl"]
        verbose_name = _("werkvorm")
        verbose_name_plural = _("werkvormen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="werkvorm_slug_per_org"),
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(organisation__isnull=True),
                name="werkvorm_builtin_slug_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title_nl

    @property
    def is_builtin(self) -> bool:
        return self.organisation_id is None

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_nl

    def purpose(self, language: str) -> str:
        return self.purpose_en if language == "en" and self.purpose_en else self.purpose_nl

    def body(self, language: str) -> dict:
        return self.body_en if language == "en" and self.body_en else self.body_nl


class HiddenWerkvorm(models.Model):
    """An organisation chose not to show this werkvorm to its people."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    werkvorm = models.ForeignKey(Werkvorm, on_delete=models.CASCADE, related_name="hidden_by")
    hidden_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hidden werkvorm")
        verbose_name_plural = _("hidden werkvormen")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "werkvorm"], name="hidden_werkvorm_once")
        ]

    def __str__(self) -> str:
        return f"{self.werkvorm_id} hidden in {self.organisation_id}"


class TeamSession(models.Model):
    """A 30–60 minute team session composed of werkvormen, saved for one unit."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("team"), on_delete=models.CASCADE,
                             related_name="team_sessions")
    title = models.CharField(_("title"), max_length=200)
    planned_for = models.DateTimeField(_("date and time"), null=True, blank=True)
    created_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("team session")
        verbose_name_plural = _("team sessions")

    def __str__(self) -> str:
        return self.title


class TeamSessionItem(models.Model):
    session = models.ForeignKey(TeamSession, on_delete=models.CASCADE, related_name="items")
    werkvorm = models.ForeignKey(Werkvorm, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("werkvorm in a team session")
        verbose_name_plural = _("werkvormen in a team session")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="session_item_position")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.position}"


class Routine(models.Model):
    """A werkvorm a team does again and again (weekly check-in, monthly one-to-one ...)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Every month")
        QUARTERLY = "quarterly", _("Every quarter")

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("team"), on_delete=models.CASCADE,
                             related_name="routines")
    werkvorm = models.ForeignKey(Werkvorm, verbose_name=_("werkvorm"), on_delete=models.PROTECT,
                                 related_name="+")
    title = models.CharField(_("name"), max_length=200)
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices)
    starts_on = models.DateField(_("first date"))
    time_of_day = models.TimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"))
    remind_days_before = models.PositiveSmallIntegerField(_("reminder (days before)"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__name", "title"]
        verbose_name = _("team routine")
        verbose_name_plural = _("team routines")

    def __str__(self) -> str:
        return self.title


class RoutineOccurrence(models.Model):
    """One date of a routine: created when a reminder is sent or when it is marked done.

    `reminder_sent_at` makes reminders idempotent: a reminder is claimed by setting it once.
    The note is optional and meant for practical remarks, never for personal content.
    """

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="occurrences")
    date = models.DateField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey("organisations.Membership", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    note = models.CharField(_("note"), max_length=280, blank=True)

    class Meta:
        verbose_name = _("date of a team routine")
        verbose_name_plural = _("dates of a team routine")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "date"], name="routine_occurrence_once")
        ]

    def __str__(self) -> str:
        return f"{self.routine_id} @ {self.date}"


class CalendarFeed(models.Model):
    """A secret calendar address for one person and one team. Only a hash of the token is kept."""

    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("organisations.Membership", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")
        constraints = [
            models.UniqueConstraint(fields=["unit", "membership"], name="calendar_feed_once")
        ]

    def __str__(self) -> str:
        return f"feed {self.unit_id}/{self.membership_id}"
