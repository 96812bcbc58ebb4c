"""CSV import of units and people: validate every row, then write everything or nothing.

The import runs as a background task (`tasks.import_job_run`). Validation only reads, and reports
its progress on the `ImportJob` as it goes; the writes then happen in one transaction with bulk
operations, so that ten thousand rows take seconds and a rejected file changes nothing.

Columns (header row, comma or semicolon separated):
  type       unit | person (also: eenheid, afdeling, team | persoon)
  code       unit code (units; unique per organisation)
  name       unit name, or the person's full name
  parent_code  code of the unit above (units; empty for a top unit)
  email      the person's e-mail address (people)
  roles      role values or their Dutch names, separated by ";" or "|" (people; default: employee)
  unit_code  code of the person's unit (people; optional)
  job_title  (people; optional)
  kind       department | team (units; optional — default: department when it has units below)

Existing units (same code) are updated; existing people keep their roles and get the listed roles
added, so an import can never take rights away.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from vangnet.core.service import service_write

from .models import ImportJob, Membership, MembershipRole, Unit
from .roles import CASE_READING_ROLES, Role
from .services import roles_added_by_import

logger = logging.getLogger(__name__)
MAX_ROWS = 50_000
PROGRESS_EVERY = 500
COLUMNS = ("type", "code", "name", "parent_code", "email", "roles", "unit_code", "job_title", "kind")
UNIT_TYPES = {"unit", "eenheid", "afdeling", "team", "department"}
PERSON_TYPES = {"person", "persoon", "medewerker"}

# Reasons a row is rejected. Stored on the job as a code plus parameters and rendered in the
# reader's language, so the message is never frozen in the language of the uploader.
ERROR_MESSAGES: dict[str, Any] = {
    "empty_file": _("The file is empty."),
    "missing_columns": _("Columns are missing from the first row: %(columns)s."),
    "too_many_rows": _("The file has more than %(max)s rows. Split it into smaller files."),
    "unknown_type": _("Unknown type “%(value)s”: use unit or person."),
    "unit_code_required": _("A unit needs a code."),
    "unit_name_required": _("A unit needs a name."),
    "duplicate_code": _("The code %(code)s appears more than once in the file (also on line %(other)s)."),
    "unknown_parent": _("Unknown parent unit “%(code)s”."),
    "cycle": _("The unit %(code)s ends up below itself (a loop in parent_code)."),
    "unknown_kind": _("Unknown kind “%(value)s”: use department or team."),
    "email_required": _("A person needs an e-mail address."),
    "invalid_email": _("“%(value)s” is not a valid e-mail address."),
    "duplicate_email": _(
        "The e-mail address %(value)s appears more than once in the file (also on line %(other)s)."
    ),
    "unknown_role": _("Unknown role “%(value)s”."),
    "self_case_reading_role": _(
        "You cannot give yourself a role that can read reports. Ask another coordinator."),
    "unknown_unit": _("Unknown unit “%(code)s”."),
    "too_long": _("“%(column)s” is too long (at most %(max)s characters)."),
    "unreadable": _("This row cannot be read: %(detail)s"),
    "internal": _("Something went wrong while importing, so nothing was imported. Try again later."),
}


def error_message(error: dict[str, Any]) -> str:
    template = ERROR_MESSAGES.get(error.get("code", ""), ERROR_MESSAGES["unreadable"])
    params = {"detail": "", **error.get("params", {})}
    return str(template) % params


@dataclass
class UnitRow:
    line: int
    code: str
    name: str
    parent_code: str
    kind: str


@dataclass
class PersonRow:
    line: int
    email: str
    name: str
    roles: set[str]
    unit_code: str
    job_title: str


@dataclass
class Plan:
    units: list[UnitRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, line: int, reason: str, **params: Any) -> None:
        self.errors.append({"line": line, "code": reason, "params": params})


def _role_lookup() -> dict[str, str]:
    """Role values, Dutch labels and English labels, case-insensitive."""
    lookup: dict[str, str] = {}
    for role in Role:
        lookup[role.value.lower()] = role.value
        for language in ("nl", "en"):
            with translation.override(language):
                lookup[str(role.label).lower()] = role.value
    # Common ways of writing the same thing.
    lookup.update({"coördinator": Role.COORDINATOR, "or": Role.WORKS_COUNCIL,
                   "ondernemingsraad": Role.WORKS_COUNCIL, "vp": Role.ADVISOR})
    return lookup


def read_rows(csv_text: str) -> tuple[list[dict[str, str]], list[str]]:
    """Rows as dicts with lower-case keys (line number under "_line"), and the header."""
    sample = csv_text[:4096]
    first_line = sample.splitlines()[0] if sample else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(csv_text), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = []
    for row in reader:
        cleaned = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
        if not any(cleaned.values()):
            continue  # blank line
        cleaned["_line"] = str(reader.line_num)
        rows.append(cleaned)
    return rows, header


def validate(
    *, organisation_id: int, csv_text: str, progress: Callable[[int, int], None] | None = None,
    actor_email: str = "",
) -> Plan:
    """Check every row; collect every problem with its line number. Reads only. `actor_email`
    is the importer's address: nobody gives themselves a case-reading role, not by file either."""
    plan = Plan()
    try:
        rows, header = read_rows(csv_text)
    except csv.Error as error:
        plan.reject(1, "unreadable", detail=str(error))
        return plan
    if not header:
        plan.reject(1, "empty_file")
        return plan
    missing = [c for c in ("type", "code", "name", "email") if c not in header]
    if missing:
        plan.reject(1, "missing_columns", columns=", ".join(missing))
        return plan
    if len(rows) > MAX_ROWS:
        plan.reject(1, "too_many_rows", max=MAX_ROWS)
        return plan

    roles = _role_lookup()
    existing_units = dict(
        Unit.objects.filter(organisation_id=organisation_id).exclude(code="")
        .values_list("code", "parent__code")
    )
    unit_lines: dict[str, int] = {}
    email_lines: dict[str, int] = {}
    for index, row in enumerate(rows, start=1):
        line = int(row["_line"])
        kind = row.get("type", "").lower()
        if kind in UNIT_TYPES:
            _validate_unit(plan, row, line, unit_lines)
        elif kind in PERSON_TYPES:
            _validate_person(plan, row, line, email_lines, roles)
        else:
            plan.reject(line, "unknown_type", value=row.get("type", ""))
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, len(rows))

    known_codes = set(existing_units) | set(unit_lines)
    for unit in plan.units:
        if unit.parent_code and unit.parent_code not in known_codes:
            plan.reject(unit.line, "unknown_parent", code=unit.parent_code)
    for person in plan.people:
        if person.unit_code and person.unit_code not in known_codes:
            plan.reject(person.line, "unknown_unit", code=person.unit_code)
    _reject_cycles(plan, existing_units)
    for person in plan.people:
        if actor_email and person.email == actor_email.lower() and person.roles & CASE_READING_ROLES:
            plan.reject(person.line, "self_case_reading_role")
    if progress:
        progress(len(rows), len(rows))
    plan.errors.sort(key=lambda e: (e["line"], e["code"]))
    return plan


def _too_long(plan: Plan, line: int, row: dict[str, str], limits: dict[str, int]) -> bool:
    for column, limit in limits.items():
        if len(row.get(column, "")) > limit:
            plan.reject(line, "too_long", column=column, max=limit)
            return True
    return False


def _validate_unit(plan: Plan, row: dict[str, str], line: int, unit_lines: dict[str, int]) -> None:
    code, name = row.get("code", ""), row.get("name", "")
    if _too_long(plan, line, row, {"code": 60, "name": 200, "parent_code": 60}):
        return
    if not code:
        plan.reject(line, "unit_code_required")
        return
    if not name:
        plan.reject(line, "unit_name_required")
    if code in unit_lines:
        plan.reject(line, "duplicate_code", code=code, other=unit_lines[code])
        return
    unit_lines[code] = line
    kind = row.get("kind", "").lower()
    kinds = {"department": Unit.Kind.DEPARTMENT, "afdeling": Unit.Kind.DEPARTMENT,
             "team": Unit.Kind.TEAM, "": ""}
    if kind not in kinds:
        plan.reject(line, "unknown_kind", value=row.get("kind", ""))
    plan.units.append(UnitRow(line, code, name, row.get("parent_code", ""), kinds.get(kind, "")))


def _validate_person(
    plan: Plan, row: dict[str, str], line: int, email_lines: dict[str, int], roles: dict[str, str]
) -> None:
    email = row.get("email", "").lower()
    if _too_long(plan, line, row, {"email": 254, "name": 150, "job_title": 150}):
        return
    if not email:
        plan.reject(line, "email_required")
        return
    try:
        validate_email(email)
    except ValidationError:
        plan.reject(line, "invalid_email", value=row.get("email", ""))
        return
    if email in email_lines:
        plan.reject(line, "duplicate_email", value=email, other=email_lines[email])
        return
    email_lines[email] = line
    wanted: set[str] = set()
    for raw in row.get("roles", "").replace("|", ";").split(";"):
        name = raw.strip()
        if not name:
            continue
        role = roles.get(name.lower())
        if role is None:
            plan.reject(line, "unknown_role", value=name)
        else:
            wanted.add(role)
    plan.people.append(PersonRow(line, email, row.get("name", ""), wanted or {Role.EMPLOYEE.value},
                                 row.get("unit_code", ""), row.get("job_title", "")))


def _reject_cycles(plan: Plan, existing_units: Mapping[str, str | None]) -> None:
    """Report every unit of the file that is part of a loop of parents (file and database
    together). Linear: each unit is walked once, then remembered as safe or as part of a loop."""
    parents: dict[str, str] = {code: parent or "" for code, parent in existing_units.items()}
    parents.update({unit.code: unit.parent_code for unit in plan.units})
    in_file = {unit.code: unit.line for unit in plan.units}
    settled: set[str] = set()
    in_loop: set[str] = set()
    for start in in_file:
        path: list[str] = []
        on_path: set[str] = set()
        node = start
        while node and node not in settled and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parents.get(node, "")
        if node and node in on_path:  # walked into our own path: everything from there loops
            in_loop.update(path[path.index(node):])
        settled.update(path)
    for code in sorted(in_loop & set(in_file), key=in_file.__getitem__):
        plan.reject(in_file[code], "cycle", code=code)


def apply(*, organisation_id: int, plan: Plan, actor_user_id: int | None) -> dict[str, int]:
    """Write a valid plan in one transaction. Returns counts for the summary."""
    if plan.errors:
        raise ValueError("apply() only takes a plan without errors")
    with service_write(action="organisation.import", actor=_user(actor_user_id),
                       organisation_id=organisation_id) as change:
        counts = _apply_units(organisation_id, plan.units)
        counts.update(_apply_people(organisation_id, plan.people, actor_user_id))
        change.data = counts
    return counts


def _user(user_id: int | None) -> Any:
    return get_user_model()(pk=user_id) if user_id else None


def _unit_depths(units: list[UnitRow]) -> dict[str, int]:
    """Depth of each unit within the file (0: its parent is not in the file). Iterative, so a
    deep tree cannot exhaust the stack; cycles were rejected during validation."""
    parent_of = {unit.code: unit.parent_code for unit in units}
    depths: dict[str, int] = {}
    for unit in units:
        path: list[str] = []
        code = unit.code
        while code in parent_of and code not in depths:
            path.append(code)
            code = parent_of[code]
        base = depths.get(code, -1) if code in parent_of else -1
        for offset, step in enumerate(reversed(path), start=1):
            depths[step] = base + offset
    return depths


def _apply_units(organisation_id: int, units: list[UnitRow]) -> dict[str, int]:
    existing = {u.code: u for u in Unit.objects.filter(organisation_id=organisation_id).exclude(code="")}
    has_children = {unit.parent_code for unit in units if unit.parent_code}
    depths = _unit_depths(units)
    by_level: dict[int, list[UnitRow]] = {}
    for row in units:
        by_level.setdefault(depths[row.code], []).append(row)
    created = 0
    changed: list[Unit] = []
    # Parents first: one bulk insert per level of the tree, so every parent has its id.
    for level in sorted(by_level):
        new: list[Unit] = []
        for row in by_level[level]:
            parent = existing.get(row.parent_code) if row.parent_code else None
            parent_id = parent.pk if parent is not None else None
            kind = row.kind or (Unit.Kind.DEPARTMENT if row.code in has_children else Unit.Kind.TEAM)
            unit = existing.get(row.code)
            if unit is None:
                new.append(Unit(organisation_id=organisation_id, code=row.code, name=row.name,
                                parent_id=parent_id, kind=kind))
            else:
                unit.name, unit.parent_id = row.name or unit.name, parent_id
                if row.kind:
                    unit.kind = row.kind
                changed.append(unit)
        Unit.objects.bulk_create(new, batch_size=1000)
        if any(unit.pk is None for unit in new):  # a backend that cannot return ids
            codes = [unit.code for unit in new]
            new = list(Unit.objects.filter(organisation_id=organisation_id, code__in=codes))
        existing.update({unit.code: unit for unit in new})
        created += len(new)
    Unit.objects.bulk_update(changed, ["name", "parent", "kind"], batch_size=1000)
    return {"units_created": created, "units_updated": len(changed)}


def _apply_people(organisation_id: int, people: list[PersonRow],
                  actor_user_id: int | None = None) -> dict[str, int]:
    User = get_user_model()
    unit_ids = dict(
        Unit.objects.filter(organisation_id=organisation_id).exclude(code="").values_list("code", "pk")
    )
    emails = [p.email for p in people]
    users: dict[str, Any] = {}
    # Case-insensitive: an address may have been stored with capitals (e.g. by an SSO provider).
    by_lower_email = User.objects.annotate(email_lower=Lower("email"))
    for start in range(0, len(emails), 900):  # stay below SQLite's variable limit
        chunk = emails[start:start + 900]
        users.update({u.email.lower(): u for u in by_lower_email.filter(email_lower__in=chunk)})
    unusable = make_password(None)  # people log in through SSO or set a password via "forgot"
    new_users = [User(email=p.email, full_name=p.name, password=unusable)
                 for p in people if p.email not in users]
    User.objects.bulk_create(new_users, batch_size=1000)
    for start in range(0, len(emails), 900):
        chunk = emails[start:start + 900]
        users.update({u.email.lower(): u for u in by_lower_email.filter(email_lower__in=chunk)})

    user_ids = [users[p.email].pk for p in people]
    memberships: dict[int, Membership] = {}
    for start in range(0, len(user_ids), 900):
        id_chunk = user_ids[start:start + 900]
        memberships.update({m.user_id: m for m in Membership.objects.filter(
            organisation_id=organisation_id, user_id__in=id_chunk)})
    new_memberships, changed = [], []
    for person in people:
        user_id = users[person.email].pk
        unit_id = unit_ids.get(person.unit_code) if person.unit_code else None
        membership = memberships.get(user_id)
        if membership is None:
            new_memberships.append(Membership(organisation_id=organisation_id, user_id=user_id,
                                              unit_id=unit_id, job_title=person.job_title))
        else:
            if person.unit_code:
                membership.unit_id = unit_id
            if person.job_title:
                membership.job_title = person.job_title
            changed.append(membership)
    Membership.objects.bulk_create(new_memberships, batch_size=1000)
    Membership.objects.bulk_update(changed, ["unit", "job_title"], batch_size=1000)
    for start in range(0, len(user_ids), 900):
        id_chunk = user_ids[start:start + 900]
        memberships.update({m.user_id: m for m in Membership.objects.filter(
            organisation_id=organisation_id, user_id__in=id_chunk)})
    roles = [
        MembershipRole(membership_id=memberships[users[p.email].pk].pk, role=role)
        for p in people for role in sorted(p.roles)
    ]
    # Case-reading roles are few: find which ones are really new, so that each is audited and
    # announced like a role given on the person page (services.roles_added_by_import).
    reader_ids = sorted({r.membership_id for r in roles if r.role in CASE_READING_ROLES})
    had: set[tuple[int, str]] = set()
    for start in range(0, len(reader_ids), 900):
        had.update(MembershipRole.objects.filter(membership_id__in=reader_ids[start:start + 900])
                   .values_list("membership_id", "role"))
    # Existing roles stay; a role a person already has is skipped by the unique constraint.
    MembershipRole.objects.bulk_create(roles, batch_size=2000, ignore_conflicts=True)
    new_readers: dict[int, set[str]] = {}
    for r in roles:
        if r.role in CASE_READING_ROLES and (r.membership_id, r.role) not in had:
            new_readers.setdefault(r.membership_id, set()).add(r.role)
    if new_readers:
        new_user_ids = {m.user_id for m in new_memberships}
        created_ids = {m.pk for m in memberships.values() if m.user_id in new_user_ids}
        roles_added_by_import(organisation_id=organisation_id, added=new_readers,
                              created_ids=created_ids, actor_user_id=actor_user_id)
    return {"people_created": len(new_memberships), "people_updated": len(changed),
            "accounts_created": len(new_users)}


def run(job: ImportJob) -> ImportJob:
    """Validate, then apply or reject. Called by the background task; never leaves a job running."""
    try:
        return _run(job)
    except Exception:
        # No row content in the log: only which job failed.
        logger.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, csv_text="",
            errors=[{"line": 0, "code": "internal", "params": {}}],
            summary={"error_count": 1, "finished_at": timezone.now().isoformat()},
        )
        job.refresh_from_db()
        return job


def _run(job: ImportJob) -> ImportJob:
    job.status = ImportJob.Status.RUNNING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows"])

    def progress(done: int, total: int) -> None:
        # Committed right away (outside the import transaction) so the progress page sees it.
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    importer = (get_user_model().objects.filter(pk=job.created_by_id).values_list(
        "email", flat=True).first() or "") if job.created_by_id else ""
    plan = validate(organisation_id=job.organisation_id, csv_text=job.csv_text, progress=progress,
                    actor_email=importer)
    job.refresh_from_db(fields=["processed_rows", "total_rows"])
    if plan.errors:
        job.status = ImportJob.Status.FAILED
        job.errors = plan.errors[:1000]
        job.summary = {"error_count": len(plan.errors), "finished_at": timezone.now().isoformat()}
    else:
        counts = apply(organisation_id=job.organisation_id, plan=plan, actor_user_id=job.created_by_id)
        job.status = ImportJob.Status.DONE
        job.summary = {**counts, "finished_at": timezone.now().isoformat()}
    # The uploaded file holds names and e-mail addresses: keep it no longer than needed.
    job.csv_text = ""
    job.save(update_fields=["status", "errors", "summary", "csv_text"])
    return job
