"""The advisors' narrative of a yearly report: observations and recommendations, written after
the year's figures are fixed and published once with them (issue 13; docs/adr/0105)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.service import require, service_write
from vangnet.organisations.public import Actor

from .. import permissions, stats
from ..models import YearlyFigures

NARRATIVE_MAX = 6000


def yearly_narrative_save(*, actor: Actor, year: int, observations: str, recommendations: str,
                          publish: bool) -> YearlyFigures:
    """Save the draft (advisors only see it), or publish it: from then on the coordinator, the
    works council and every PDF and CSV of the year carry it, and it is never changed again."""
    require(permissions.can_write_yearly_narrative(actor))
    observations, recommendations = observations.strip(), recommendations.strip()
    if not stats.is_published(year):
        raise ValidationError(_("The figures of %(year)s are not fixed yet. Write the narrative "
                                "once they are.") % {"year": year})
    if len(observations) > NARRATIVE_MAX or len(recommendations) > NARRATIVE_MAX:
        raise ValidationError(_("Keep each text under %(n)s characters.") % {"n": NARRATIVE_MAX})
    if publish and not (observations or recommendations):
        raise ValidationError(_("Write your observations or recommendations before publishing."))
    stats.freeze_yearly_figures(organisation_id=actor.organisation_id, year=year)
    with service_write(action="cases.yearly_narrative", actor=actor,
                       organisation_id=actor.organisation_id) as change:
        frozen = YearlyFigures.objects.select_for_update().get(
            organisation_id=actor.organisation_id, year=year)
        if frozen.narrative_published_at is not None:
            raise ValidationError(_("The narrative of %(year)s has been published and stays as "
                                    "it is, like the figures beside it.") % {"year": year})
        frozen.observations, frozen.recommendations = observations, recommendations
        frozen.narrative_by_id = actor.membership_id
        if publish:
            frozen.narrative_published_at = timezone.now()
        frozen.save(update_fields=["observations", "recommendations", "narrative_by",
                                   "narrative_published_at"])
        # The year and whether it was published; never the text.
        change.target, change.data = frozen, {"year": year, "published": publish}
    return frozen
