"""Background tasks: Django's django.tasks API on the django-tasks-db backend (worker: db_worker)."""

from jiefen.settings.env import env

TASKS = {
    "default": {
        "BACKEND": env("JIEFEN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
