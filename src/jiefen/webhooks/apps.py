from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "jiefen.webhooks"
    verbose_name = "事件推送（Webhook）"
