from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def forget_old_task_runs() -> int:
    """Run by beat daily; returns how many counters of vanished messages it dropped."""
    return services.task_runs_forget()
