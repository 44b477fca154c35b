from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "jiefen.scheduling"
    verbose_name = "定时任务"

    def ready(self) -> None:
        # The schedule registers its jobs when imported; every process that may run the
        # scheduler (worker, demo, tests) has this app installed, so it is always complete.
        from jiefen.scheduling import schedule  # noqa: F401
