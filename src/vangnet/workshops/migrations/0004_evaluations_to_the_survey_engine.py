"""Existing evaluations become submitted responses of the survey engine (ADR 0120).

Per session with evaluations: one round (open, the instrument's version 1, the anonymity
threshold of the settings), one group, a bound link per registered participant in membership
order, spent for those who had evaluated, and one submitted response per evaluation with the same
three scores, written in random order. Backwards, each submitted response becomes an evaluation
again and the rounds go."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import migrations

ITEMS = ("useful", "safe", "facilitation")


def forward(apps, schema_editor):
    Evaluation = apps.get_model("workshops", "Evaluation")
    Session = apps.get_model("workshops", "Session")
    Registration = apps.get_model("workshops", "Registration")
    Round = apps.get_model("workshops", "EvaluationRound")
    Group = apps.get_model("workshops", "EvaluationGroup")
    Link = apps.get_model("workshops", "EvaluationLink")
    Response = apps.get_model("workshops", "EvaluationResponse")
    threshold = int(getattr(settings, "VANGNET_ANONYMITY_THRESHOLD", 5))
    session_ids = sorted(set(Evaluation.objects.values_list("session_id", flat=True)))
    for session in Session.objects.filter(pk__in=session_ids).select_related("offer__pool"):
        if Round.objects.filter(session=session).exists():
            continue
        round_ = Round.objects.create(organisation_id=session.offer.pool.organisation_id,
                                      session=session, title=session.offer.title[:150],
                                      threshold=threshold, instrument_version=1, status="open")
        group = Group.objects.create(round=round_, slug="session")
        Link.objects.bulk_create(
            Link(round=round_, group=group, membership_id=membership_id, spent=evaluated)
            for membership_id, evaluated in Registration.objects.filter(
                session=session, status="registered").order_by("membership_id").values_list(
                "membership_id", "evaluated"))
        rows = list(Evaluation.objects.filter(session=session).values_list(*ITEMS))
        secrets.SystemRandom().shuffle(rows)
        Response.objects.bulk_create(
            Response(round=round_, group=group, answers=dict(zip(ITEMS, row, strict=True)),
                     channel="personal", submitted=True)
            for row in rows)
    Evaluation.objects.all().delete()


def backward(apps, schema_editor):
    Evaluation = apps.get_model("workshops", "Evaluation")
    Round = apps.get_model("workshops", "EvaluationRound")
    Response = apps.get_model("workshops", "EvaluationResponse")
    Evaluation.objects.bulk_create(
        Evaluation(session_id=session_id, **{item: int(answers[item]) for item in ITEMS})
        for session_id, answers in Response.objects.filter(submitted=True).values_list(
            "round__session_id", "answers"))
    Round.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [("workshops", "0003_evaluation_on_the_survey_engine")]

    operations = [migrations.RunPython(forward, backward)]
