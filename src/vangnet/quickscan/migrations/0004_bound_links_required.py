import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("quickscan", "0003_bound_links_data")]

    operations = [
        migrations.AlterField(
            model_name="respondenttoken",
            name="round",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="tokens", to="quickscan.round"),
        ),
        migrations.AddConstraint(
            model_name="respondenttoken",
            constraint=models.UniqueConstraint(condition=models.Q(("membership__isnull", False)), fields=("round", "membership"), name="quickscan_one_link_per_member_per_round"),
        ),
    ]
