from django.db import migrations, models


class Migration(migrations.Migration):
    """Roll-ups of the facts ("grains") beside the full facts: a grain column, the grains each measure keeps, and
    the index led by (measure, grain, month). Existing facts are the full grain ("")."""

    dependencies = [
        ("observatory", "0001_facts_definitions_external_series"),
    ]

    operations = [
        migrations.AddField(
            model_name="observatoryfact",
            name="grain",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="factfillstate",
            name="grains",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RemoveIndex(
            model_name="observatoryfact",
            name="obs_fact_measure_month",
        ),
        migrations.AddIndex(
            model_name="observatoryfact",
            index=models.Index(fields=["measure", "grain", "month", "territory_id"], name="obs_fact_measure_grain"),
        ),
    ]
