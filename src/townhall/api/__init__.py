"""The open API: REST `/api/v1/` (django-ninja, OpenAPI 3.1, problem+json errors) and, later,
Open311 GeoReport v2. It applies no pattern rules of its own: submissions go through the same
engine and actions as the web runner."""
