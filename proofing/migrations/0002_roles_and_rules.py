from django.db import migrations

from articles import roles

# Frozen here: who may read and extend the word list, and who sets the rules.
ROLE_PERMISSIONS = {
    roles.VERSLAGGEVER: ["view_newsroomword"],
    roles.EINDREDACTEUR: ["view_newsroomword", "add_newsroomword", "change_newsroomword"],
    roles.HOOFDREDACTIE: [
        "view_newsroomword",
        "add_newsroomword",
        "change_newsroomword",
        "delete_newsroomword",
        "view_rulesetting",
        "change_rulesetting",
    ],
}
# The defaults at the time of this migration, as rows the editors-in-chief can change.
RULES = {
    "spelling": "warning",
    "dt": "warning",
    "compound": "warning",
    "reported": "warning",
    "headline_length": "warning",
    "lede": "warning",
    "photo_credits": "blocking",
    "quotation_marks": "warning",
    "double_spaces": "warning",
    "change_note": "warning",
    "reading_time": "warning",
}


def forwards(apps, schema_editor):
    roles.grant_app_permissions(apps, app_label="proofing", role_permissions=ROLE_PERMISSIONS)
    setting = apps.get_model("proofing", "RuleSetting")
    for rule, severity in RULES.items():
        setting.objects.get_or_create(rule=rule, defaults={"severity": severity})


class Migration(migrations.Migration):
    dependencies = [
        ("proofing", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
