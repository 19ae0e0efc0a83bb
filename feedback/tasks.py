from celery import shared_task

from . import inbox, services

RETRIES = {"autoretry_for": (Exception,), "retry_backoff": 30, "retry_backoff_max": 600}


@shared_task(**RETRIES, max_retries=5)
def send_typo_report_mail(report_id: int) -> bool:
    return services.typo_report_send_mail(report_id=report_id)


@shared_task(**RETRIES, max_retries=5)
def send_typo_thanks(report_id: int) -> bool:
    return inbox.typo_report_send_thanks(report_id=report_id)
