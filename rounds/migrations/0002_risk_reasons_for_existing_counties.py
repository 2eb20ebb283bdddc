"""Counties created before this app get the default list of risk reasons (new counties get
it from rounds/receivers.py)."""

from django.db import migrations

REASONS = (
    "宗族派性",
    "群体上访",
    "软弱涣散",
    "历史遗留问题",
    "集体经济纠纷",
    "无人可选",
    "有人难选",
    "贿选苗头",
    "外出人员多",
    "合并村融合难",
    "班子不团结",
    "信访突出",
    "征地拆迁矛盾",
    "黑恶势力干扰",
)


def forwards(apps, schema_editor):
    County = apps.get_model("registry", "County")
    RiskReason = apps.get_model("rounds", "RiskReason")
    rows = [
        RiskReason(county=county, number=number, text=text)
        for county in County.objects.exclude(risk_reasons__isnull=False)
        for number, text in enumerate(REASONS, start=1)
    ]
    RiskReason.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("rounds", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
