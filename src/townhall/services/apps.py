from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "townhall.services"
    label = "services"
    verbose_name = "Services"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from townhall.services.models import Service
        from townhall.services.queries import live_services_forget, service_links_live
        from townhall.tenancy.models import Organisation
        from townhall.tenancy.organisation_page import service_lister_register

        # The organisation's public page lists its live services (tenancy cannot import us).
        service_lister_register(key="services", lister=service_links_live)

        for model in (Service, Organisation):
            post_save.connect(live_services_forget, sender=model, dispatch_uid=f"live-{model}")
            post_delete.connect(live_services_forget, sender=model, dispatch_uid=f"live-{model}-d")
