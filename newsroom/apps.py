from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The project package as an app: it holds what every app shares (the outbox)."""

    name = "newsroom"

    def ready(self) -> None:
        from celery.signals import task_success

        from .outbox import forget_done_task

        # Wherever a task succeeds (a worker, or in process when tasks run eagerly),
        # its outbox row is done.
        task_success.connect(forget_done_task, weak=False, dispatch_uid="newsroom-outbox-done")
