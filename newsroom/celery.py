import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

# Every task is a jobs.base.Job: failures end recorded, never as a dead worker.
app = Celery("newsroom", task_cls="jobs.base:Job")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
