from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "townhall.services"
    label = "services"
    verbose_name = "Services"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from townhall.services.models import Service
        from townhall.services.queries import live_services_forget
        from townhall.tenancy.models import Organisation

        for model in (Service, Organisation):
            post_save.connect(live_services_forget, sender=model, dispatch_uid=f"live-{model}")
            post_delete.connect(live_services_forget, sender=model, dispatch_uid=f"live-{model}-d")
