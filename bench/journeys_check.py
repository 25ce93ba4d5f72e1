"""Report what the benchmark's journeys hold, as one line of JSON (run by bench_runner.py with
the same environment as the server).

    python bench/journeys_check.py FIELD [SINCE-ISO-8601]

journeys: how many journeys the demo service under test has; answered: how many hold an answer
for FIELD; values: the distinct answers stored; updated_since: how many were written at or after
SINCE.
"""

from __future__ import annotations

import datetime as dt
import json
import sys


def main() -> None:
    import django

    django.setup()
    from bench.harness import SERVICE_SLUG
    from townhall.runner.models import Journey

    field = sys.argv[1]
    since = dt.datetime.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else None
    journeys = list(
        Journey.objects.filter(service__slug=SERVICE_SLUG).values("answers", "updated_at")
    )
    values = sorted({json.dumps(j["answers"][field]) for j in journeys if field in j["answers"]})
    print(
        json.dumps(
            {
                "journeys": len(journeys),
                "answered": sum(1 for j in journeys if field in j["answers"]),
                "values": values,
                "updated_since": (
                    sum(1 for j in journeys if j["updated_at"] >= since)
                    if since is not None
                    else None
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
