"""What a report can be about (DOMAIN.md), shared by reporting and cases.

A report can be about several categories at once (sexual harassment together with
discrimination, for example): `Report.category` is the first (primary) one and
`Report.categories` all of them, the primary first (docs/adr/0100)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PESTEN = "pesten", _("Bullying")
    INTIMIDATIE = "intimidatie", _("Intimidation")
    SEKSUELE_INTIMIDATIE = "seksuele_intimidatie", _("Sexual harassment or unwanted sexual attention")
    DISCRIMINATIE = "discriminatie", _("Discrimination")
    AGRESSIE_GEWELD = "agressie_geweld", _("Aggression and violence")
    BUITENSLUITEN = "buitensluiten", _("Exclusion")
    RODDEL_RESPECTLOOS = "roddel_respectloos", _("Gossip and disrespectful communication")
    WERKDRUK = "werkdruk", _("Work pressure")
    MACHTSMISBRUIK = "machtsmisbruik", _("Abuse of power")
    INTEGRITEIT = "integriteit", _("Integrity (fraud, theft, corruption, conflict of interest)")
    # Technical teams (seed 004): speaking up about danger is part of social safety.
    VEILIGHEID = "veiligheid", _("Safety risk or near miss")
    OVERIG = "overig", _("Something else")


class DiscriminationGround(models.TextChoices):
    SEX = "geslacht", _("Sex or gender")
    ORIGIN = "afkomst", _("Origin, skin colour or nationality")
    RELIGION = "religie", _("Religion or belief")
    ORIENTATION = "seksuele_orientatie", _("Sexual orientation")
    AGE = "leeftijd", _("Age")
    DISABILITY = "handicap", _("Chronic illness or disability")
    CONTRACT = "arbeidsduur", _("Working hours or type of contract")
    POLITICS = "politiek", _("Political opinion")
    OTHER = "anders", _("Another ground")


def ordered_categories(values: list[str] | tuple[str, ...], *, primary: str = "") -> list[str]:
    """Known categories without repeats: `primary` first (when given and known), the others in
    the order of `Category`. Unknown values are dropped (the forms and the API refuse them)."""
    known = [c.value for c in Category if c.value in set(values) and c.value != primary]
    return ([primary] if primary in Category.values else []) + known
