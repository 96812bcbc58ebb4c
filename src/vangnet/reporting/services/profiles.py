"""The confidential advisor's own profile on the route page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vangnet.core.service import service_write
from vangnet.organisations.public import (
    Actor,
)

from ..models import (
    AdvisorProfile,
)
from ..permissions import (
    can_edit_own_profile,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile


def advisor_profile_save(*, actor: Actor, introduction: str, how_to_reach: str, availability: str,
                         is_listed: bool, photo: UploadedFile | None = None,
                         remove_photo: bool = False) -> AdvisorProfile:
    with service_write(allowed=can_edit_own_profile(actor), action="reporting.profile_save",
                       actor=actor) as change:
        profile, _created = AdvisorProfile.objects.get_or_create(membership_id=actor.membership_id)
        profile.introduction, profile.how_to_reach = introduction, how_to_reach
        profile.availability, profile.is_listed = availability, is_listed
        if remove_photo:
            profile.photo = ""
        elif photo:
            profile.photo = photo
        profile.save()
        change.target = profile
    return profile
