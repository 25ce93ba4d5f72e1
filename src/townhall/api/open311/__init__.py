"""Open311 GeoReport v2 at /open311/v2/ for live services whose pattern is a report with a
location (a pattern with an `open311` section): the same engine and inbox as the REST API."""
