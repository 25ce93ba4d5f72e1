"""Writes to services: create, change, publish and unpublish. Each is audited."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from townhall.core.actions import Actor, audit_record
from townhall.patterns.engine.values import JSON
from townhall.patterns.models import PatternVersion
from townhall.services.constants import DEFAULT_RETENTION_DAYS, AuditAction, ServiceState
from townhall.services.engine_cache import pattern_for_version
from townhall.services.models import Service, ServiceRevision
from townhall.services.validators import validate_service
from townhall.tenancy.models import Organisation


def service_create(
    *,
    organisation: Organisation,
    pattern_version: PatternVersion,
    slug: str,
    parameters: Mapping[str, JSON],
    state: ServiceState = ServiceState.DRAFT,
    actor: Actor | None,
    name: str = "",
    name_cy: str = "",
    contact_details: str = "",
    team_email: str = "",
    retention_days: int = DEFAULT_RETENTION_DAYS,
) -> Service:
    """A new service; ValidationError (by field) for a bad slug, parameter or name."""
    validate_service(
        pattern=pattern_for_version(pattern_version),
        slug=slug,
        parameters=parameters,
        name=name,
        name_cy=name_cy,
    )
    service = Service(
        organisation=organisation,
        pattern_version=pattern_version,
        slug=slug,
        name=name,
        name_cy=name_cy,
        parameters=dict(parameters),
        state=state,
        contact_details=contact_details,
        team_email=team_email,
        retention_days=retention_days,
        published_at=timezone.now() if state == ServiceState.LIVE else None,
    )
    try:
        with transaction.atomic():
            service.save(force_insert=True)
            audit_record(
                actor=actor,
                action=AuditAction.SERVICE_CREATED,
                summary=(
                    f"Created the service {slug} from {pattern_version.pattern_id} "
                    f"{pattern_version.version} ({service.get_state_display()})"
                ),
                organisation_id=organisation.pk,
                target=service,
                changes={"parameters": dict(parameters), "state": str(state)},
            )
    except IntegrityError:
        if Service.objects.filter(organisation=organisation, slug=slug).exists():
            raise ValidationError(
                {"slug": [f"{organisation.official_name} already has a service at {slug}"]}
            ) from None
        raise
    return service


def service_update(
    *,
    service: Service,
    actor: Actor | None,
    name: str | None = None,
    name_cy: str | None = None,
    parameters: Mapping[str, JSON] | None = None,
    contact_details: str | None = None,
    team_email: str | None = None,
    retention_days: int | None = None,
) -> Service:
    """Change what an organisation sets on a service (None leaves a field as it is)."""
    updates: dict[str, object] = {
        "name": name,
        "name_cy": name_cy,
        "parameters": dict(parameters) if parameters is not None else None,
        "contact_details": contact_details,
        "team_email": team_email,
        "retention_days": retention_days,
    }
    changed = {
        field: value
        for field, value in updates.items()
        if value is not None and value != getattr(service, field)
    }
    if not changed:
        return service
    validate_service(
        pattern=pattern_for_version(service.pattern_version),
        slug=service.slug,
        parameters=changed.get("parameters", service.parameters),  # type: ignore[arg-type]
        name=str(changed.get("name", service.name)),
        name_cy=str(changed.get("name_cy", service.name_cy)),
    )
    for field, value in changed.items():
        setattr(service, field, value)
    with transaction.atomic():
        service.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.SERVICE_UPDATED,
            summary=f"Changed {', '.join(sorted(changed))} of the service {service.slug}",
            organisation_id=service.organisation_id,
            target=service,
            changes={field: value for field, value in changed.items()},
        )
    return service


def _state_set(
    *, service: Service, state: ServiceState, action: AuditAction, verb: str, actor: Actor | None
) -> Service:
    if service.state == state:
        return service
    service.state = state
    fields = ["state", "updated_at"]
    if state == ServiceState.LIVE:
        service.published_at = timezone.now()
        fields.append("published_at")
    with transaction.atomic():
        service.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=action,
            summary=f"{verb} the service {service.slug}",
            organisation_id=service.organisation_id,
            target=service,
        )
    return service


def service_publish(*, service: Service, actor: Actor | None) -> Service:
    """Open the service to residents."""
    return _state_set(
        service=service,
        state=ServiceState.LIVE,
        action=AuditAction.SERVICE_PUBLISHED,
        verb="Published",
        actor=actor,
    )


def service_unpublish(*, service: Service, actor: Actor | None) -> Service:
    """Close the service to residents (editors can still preview it)."""
    return _state_set(
        service=service,
        state=ServiceState.UNPUBLISHED,
        action=AuditAction.SERVICE_UNPUBLISHED,
        verb="Unpublished",
        actor=actor,
    )


def service_upgrade(
    *,
    service: Service,
    pattern_version: PatternVersion,
    parameters: Mapping[str, JSON],
    actor: Actor | None,
) -> Service:
    """Move the service to another version of its pattern with these parameter values
    (ValidationError by field if they do not suit it).

    Journeys already started keep the version they started on (`Journey.pattern_version`), so
    residents part-way through finish the questions they began; new journeys use this version.
    """
    if pattern_version.pattern_id != service.pattern_version.pattern_id:
        raise ValidationError(
            {"pattern_version": ["A service can only move to a version of its own pattern"]}
        )
    validate_service(
        pattern=pattern_for_version(pattern_version),
        slug=service.slug,
        parameters=parameters,
        name=service.name,
        name_cy=service.name_cy,
    )
    previous, previous_parameters = service.pattern_version, service.parameters
    service.pattern_version = pattern_version
    service.parameters = dict(parameters)
    with transaction.atomic():
        # What journeys started on the previous version go on running with.
        ServiceRevision.objects.update_or_create(
            organisation_id=service.organisation_id,
            service=service,
            pattern_version=previous,
            defaults={"parameters": previous_parameters},
        )
        service.save(update_fields=["pattern_version", "parameters", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.SERVICE_UPGRADED,
            summary=(
                f"Upgraded the service {service.slug} from {previous.pattern_id} "
                f"{previous.version} to {pattern_version.version}"
            ),
            organisation_id=service.organisation_id,
            target=service,
            changes={
                "version": [previous.version, pattern_version.version],
                "parameters": dict(parameters),
            },
        )
    return service
