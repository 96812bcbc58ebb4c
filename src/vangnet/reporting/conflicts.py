"""Conflict of interest (docs/adr/0030, DESIGN §4).

Who is named as involved is itself sensitive, so a report stores only keyed hashes
("involvement tags") of the memberships named: HMAC(server key, receipt lookup hash : membership).
Tags differ per report (nobody can link two reports by the same person) and cannot be checked
without the server key. The server recomputes them for the organisation's members when it needs
the set of excluded people.

Excluded from a report: every involved person, and everyone in an involved person's line of
management: the managers of their own unit and of every unit above it, and for someone who
manages units, the managers above those units too. A manager has a stake in how a complaint
about someone in their team ends, whether or not the involved person manages anyone (issue #10).
HR, the complaints committee and external advisors remain available.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from vangnet.core import crypto
from vangnet.organisations.public import line_managers_of, memberships_in, unit_manager_pairs

from .models import Report

if TYPE_CHECKING:
    from vangnet.organisations.models import Membership


def involvement_tag(*, receipt_hash: str, membership_id: int) -> str:
    return crypto.keyed_hash("involved", f"{receipt_hash}:{membership_id}")


def is_tagged(*, receipt_hash: str, membership_id: int, tags: Iterable[str]) -> bool:
    """Is this member named by one of the tags, under the current or a previous server key?"""
    wanted = set(tags)
    return bool(wanted) and any(
        crypto.keyed_hash_with(key, f"{receipt_hash}:{membership_id}") in wanted
        for key in crypto.server_keys("involved")
    )


def involvement_tags(*, receipt_hash: str, memberships: Iterable[Membership]) -> list[str]:
    return sorted({involvement_tag(receipt_hash=receipt_hash, membership_id=m.pk) for m in memberships})


def involved_membership_ids(report: Report) -> set[int]:
    """The members named in the report. Tags made under a previous server key (during a
    rotation, before `vangnet rekey`) still count: each key's tags are looked up."""
    return set(involved_by_key(report))


def involved_by_key(report: Report) -> dict[int, int]:
    """{membership id: position of the server key whose tag matched (0 = current key)}."""
    tags = set(report.involved_tags or [])
    if not tags:
        return {}
    keys = crypto.server_keys("involved")
    member_ids = memberships_in(organisation_id=report.organisation_id).values_list("pk", flat=True)
    found: dict[int, int] = {}
    for pk in member_ids:
        for position, key in enumerate(keys):
            if crypto.keyed_hash_with(key, f"{report.receipt_hash}:{pk}") in tags:
                found[pk] = position
                break
    return found


def excluded_for_involved(*, organisation_id: int, involved_ids: set[int]) -> set[int]:
    """The involved people plus everyone in their line of management (managers or not)."""
    excluded = set(involved_ids)
    if not involved_ids:
        return excluded
    involved = memberships_in(organisation_id=organisation_id).filter(pk__in=involved_ids)
    unit_ids = {unit_id for unit_id in involved.values_list("unit_id", flat=True) if unit_id}
    # Units an involved person manages: the line above those is conflicted as well.
    unit_ids |= {unit_id for unit_id, _manager in unit_manager_pairs(
        organisation_id=organisation_id, membership_ids=list(involved_ids))}
    for unit_id in sorted(unit_ids):
        excluded |= set(
            line_managers_of(unit_id=unit_id, organisation_id=organisation_id).values_list(
                "pk", flat=True
            )
        )
    return excluded


def excluded_membership_ids(report: Report) -> set[int]:
    """Everyone who may never receive, see or be notified of this report.

    Memoised on the report instance for one request: it recomputes one HMAC per member of the
    organisation when someone was named (most reports name nobody and cost nothing)."""
    cached: set[int] | None = getattr(report, "_vangnet_excluded_ids", None)
    if cached is None or getattr(report, "_vangnet_excluded_tags", None) != report.involved_tags:
        cached = excluded_for_involved(
            organisation_id=report.organisation_id, involved_ids=involved_membership_ids(report)
        )
        report._vangnet_excluded_ids = cached  # type: ignore[attr-defined]
        report._vangnet_excluded_tags = list(report.involved_tags or [])  # type: ignore[attr-defined]
    return set(cached)


def reporter_manager_involved(*, organisation_id: int, reporter_unit_id: int | None,
                              involved_ids: set[int]) -> bool:
    """True when someone in the reporter's own line of management is named as involved."""
    if reporter_unit_id is None or not involved_ids:
        return False
    line = set(
        line_managers_of(unit_id=reporter_unit_id, organisation_id=organisation_id).values_list(
            "pk", flat=True
        )
    )
    return bool(line & involved_ids)
