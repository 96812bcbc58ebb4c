"""Retention: what is due is destroyed, the figures stay, and the destruction is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from vangnet.cases import services, stats
from vangnet.cases.models import AdviceContact, Case, CaseEvent, CaseNote, Lesson
from vangnet.core.audit import audit_verify
from vangnet.core.models import AuditEntry
from vangnet.reporting.models import Message, Report

from .conftest import actor_of


def _close(case, advisor):
    actor = actor_of(advisor)
    for name in ("acknowledge", "start_conversation"):
        services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name=name)
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="conclude", outcome="advice")
    services.case_transition(actor=actor, private_key=advisor.private_key, case=case, name="close")
    return Case.objects.get(pk=case.pk)


@pytest.mark.django_db
def test_purge_destroys_due_contents_keeps_statistics(submit, advisor):
    report, _code, case = submit(category="intimidatie")
    services.note_add(actor=actor_of(advisor), case=case, text="Vertrouwelijke notitie.",
                      private_key=advisor.private_key)
    lesson = services.lesson_record(actor=actor_of(advisor), case=case,
                                    text="Teamleiders weten niet waar ze moeten melden.")
    case = _close(case, advisor)
    assert case.retain_until > timezone.now() + timedelta(days=600)
    _keep_report, _keep_code, keep = submit()
    for _ in range(4):  # enough cases in the year for the total to be shown (threshold 5)
        submit()

    # Not due yet: nothing happens.
    assert services.retention_purge()["cases"] == 0
    counts = services.retention_purge(now=case.retain_until + timedelta(minutes=1))
    assert counts["cases"] == 1 and counts["notes"] == 1 and counts["reports"] == 1

    case = Case.objects.get(pk=case.pk)
    assert case.contents_destroyed_at is not None and case.report_id is None
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not Message.objects.filter(report_id=report.pk).exists()
    assert not CaseNote.objects.filter(case=case).exists()
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.CONTENTS_DESTROYED]
    assert Lesson.objects.get(pk=lesson.pk).case_id is None  # the lesson stays, unlinked
    # The untouched case is still whole.
    assert Case.objects.get(pk=keep.pk).report_id is not None
    # Statistics still count the destroyed case: six received this year, one of them destroyed.
    figures = stats.compute_yearly_report(organisation_id=case.organisation_id, organisation_name="X",
                                          year=case.received_at.year)
    assert figures.total_cases.count == 6
    assert Case.objects.filter(category="intimidatie").count() == 1
    entry = AuditEntry.objects.filter(action="cases.retention_purge").get()
    assert entry.data["cases"] == 1
    assert AuditEntry.objects.filter(action="cases.contents_destroyed",
                                     object_id=str(case.pk)).exists()
    assert audit_verify() == []
    # Running again destroys nothing more (idempotent).
    assert services.retention_purge(now=case.retain_until + timedelta(days=1))["cases"] == 0


@pytest.mark.django_db
def test_old_advice_contacts_are_removed_after_their_period(organisation, advisor):
    old = AdviceContact.objects.create(organisation=organisation,
                                       contact_date=timezone.localdate() - timedelta(days=62 * 31),
                                       category="pesten")
    recent = AdviceContact.objects.create(organisation=organisation,
                                          contact_date=timezone.localdate(), category="pesten")
    services.retention_purge()
    assert not AdviceContact.objects.filter(pk=old.pk).exists()
    assert AdviceContact.objects.filter(pk=recent.pk).exists()


@pytest.mark.django_db
def test_reporter_is_told_how_long_at_closure(submit, advisor):
    report, _code, case = submit()
    _close(case, advisor)
    assert report.messages.filter(kind="retention").count() == 1
