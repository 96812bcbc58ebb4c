# Links bound to members, how each response came in, and the accepted risk of shared links.
# The round of a link is added nullable here, filled in 0003 and made required in 0004: on
# PostgreSQL a table cannot be altered in the transaction that just updated its foreign keys.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("organisations", "0001_initial"),
        ("quickscan", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="RiskAcceptance",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("accepted_by_name", models.CharField(max_length=150)),
                ("accepted_at", models.DateTimeField()),
                ("statement", models.TextField()),
                ("reason", models.TextField()),
                ("accepted_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="organisations.membership")),
                ("round", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="risk_acceptance", to="quickscan.round")),
            ],
            options={
                "verbose_name": "accepted risk of shared links",
                "verbose_name_plural": "accepted risks of shared links",
            },
        ),
        migrations.AddField(
            model_name="respondenttoken",
            name="membership",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="quickscan_links", to="organisations.membership"),
        ),
        migrations.AddField(
            model_name="respondenttoken",
            name="round",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="tokens", to="quickscan.round"),
        ),
        # Every existing response came in through an unbound link or a shared link: both count
        # like shared-link answers from now on (ADR 0053).
        migrations.AddField(
            model_name="response",
            name="channel",
            field=models.CharField(choices=[("personal", "Personal link"), ("shared", "Shared link"), ("unbound", "Link not bound to a person")], default="unbound", max_length=10),
        ),
        migrations.AlterField(
            model_name="respondenttoken",
            name="token_hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
    ]
