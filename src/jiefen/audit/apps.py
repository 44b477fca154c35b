from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jiefen.audit"
    verbose_name = "审计记录"
