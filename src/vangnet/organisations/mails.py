"""Mail kinds of organisations (ADR 0051): the invitation, whose link is minted in the worker."""

from __future__ import annotations

from django.urls import reverse

from vangnet.core.mail import Mail, mail_kind

from . import services


@mail_kind(services.INVITATION_MAIL)
def invitation(*, invitation_id: int) -> Mail | None:
    minted = services.invitation_link_mint(invitation_id=invitation_id)
    if minted is None:
        return None
    invitation, token = minted
    organisation = invitation.organisation
    path = reverse("organisations:invitation_accept", args=[organisation.slug, token])
    # The invitee has no account yet: the address comes from the invitation row.
    return Mail({"organisation": organisation, "invitation": invitation, "path": path},
                addresses=(invitation.email,))
