from django.db import migrations


def hand_unsent_mails_to_the_outbox(apps, schema_editor):
    """Mails the old typo-mail sweep would still have sent now wait in the outbox."""
    TypoReport = apps.get_model("feedback", "TypoReport")
    OutboxTask = apps.get_model("newsroom", "OutboxTask")
    OutboxTask.objects.bulk_create(
        OutboxTask(task="feedback.tasks.send_typo_report_mail", args=[pk])
        for pk in TypoReport.objects.exclude(mail_status="sent").values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_editor_permissions"),
        ("newsroom", "0001_outbox"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="typoreport", name="typo_unsent_mail_idx"),
        migrations.RunPython(hand_unsent_mails_to_the_outbox, migrations.RunPython.noop),
    ]
