from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("workshops", "0004_evaluations_to_the_survey_engine")]

    operations = [migrations.DeleteModel(name="Evaluation")]
