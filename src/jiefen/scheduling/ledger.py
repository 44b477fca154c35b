"""django-tasks-concurrent installed for its claim table only, without its start-up import.

The library's own app config imports every app's `tasks` module when Django starts, so that
`@periodic` declarations register themselves. Here they are all in `jiefen.scheduling.schedule`,
imported by the one command that schedules (`jiefen worker`); importing every stage's tasks
(polars, pyHanko, typst) in every other command would only slow each `jiefen …` down.
"""

from django_tasks_concurrent.apps import DjangoTasksConcurrentConfig


class PeriodicLedgerConfig(DjangoTasksConcurrentConfig):
    """The `PeriodicDefer` table (one row per slot claimed); no autodiscovery."""

    def ready(self) -> None:
        pass
