"""Organisations (tenants), their units as a tree, memberships with roles, and invitations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f5c99."))


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=60, unique=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1f5c99", validators=[hex_colour]
    )
    sso_email_domains = models.CharField(
        _("e-mail domains for single sign-on"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated, e.g. example.nl. Leave empty to switch SSO off."),
    )
    sso_app = models.ForeignKey(
        "socialaccount.SocialApp",
        verbose_name=_("SSO provider"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def sso_domains(self) -> list[str]:
        return [d.strip().lower() for d in self.sso_email_domains.split(",") if d.strip()]


class Unit(models.Model):
    """A department or team. Units form a tree per organisation."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        TEAM = "team", _("Team")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    code = models.CharField(
        _("code"), max_length=60, blank=True, help_text=_("Your own code, used by imports.")
    )
    managers: models.ManyToManyField[Membership, Any] = models.ManyToManyField(
        "Membership", verbose_name=_("managers"), blank=True, related_name="managed_units"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=~models.Q(code=""),
                name="unit_code_unique_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in one organisation. An external advisor has one per client."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    is_external = models.BooleanField(
        _("external"), default=False, help_text=_("For example an external confidential advisor.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__full_name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def role_set(self) -> frozenset[str]:
        """Roles of this membership; use `prefetch_related("roles")` in lists."""
        return frozenset(r.role for r in self.roles.all())


class MembershipRole(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="role_once_per_membership")
        ]
        indexes = [models.Index(fields=["role", "membership"])]

    def __str__(self) -> str:
        return self.get_role_display()


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    roles = models.JSONField(_("roles"), default=list)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.SET_NULL, null=True, blank=True
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class ImportJob(models.Model):
    """A CSV import of units and people, run in the background; progress is polled."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Rejected")
        DONE = "done", _("Done")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    csv_text = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class Agency(models.Model):
    """An agency of external confidential advisors serving several organisations (issue 13).

    Recorded by the platform admin with its advisors (accounts). A coordinator connects their
    organisation to it in one step: every advisor of the agency gets an external advisor's
    membership there (`services.agency_connect`). Each organisation's data stays its own: the
    agency sees nothing; its advisors see what each membership lets them see."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class AgencyAdvisor(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="advisors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("advisor"))

    class Meta:
        verbose_name = _("agency advisor")
        verbose_name_plural = _("agency advisors")
        constraints = [models.UniqueConstraint(fields=["agency", "user"],
                                               name="agencyadvisor_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.agency})"


class AgencyClient(models.Model):
    """An organisation connected to an agency (by its coordinator)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="clients")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    connected_at = models.DateTimeField(auto_now_add=True)
    connected_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True,
                                     related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "organisation"],
                                               name="agencyclient_once")]

    def __str__(self) -> str:
        return f"{self.organisation} ← {self.agency}"
