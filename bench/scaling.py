"""The arithmetic of docs/scaling.md, from the stack benchmark's table (var/bench/stack.json).

    .venv/bin/python bench/scaling.py [var/bench/stack.json] [--write]

Every figure docs/scaling.md derives comes from here: the measured rows it reads, the traffic
assumptions (with their sources, in docs/scaling.md), and the results. `--write` puts the stack
table (var/bench/stack.md) and the derived figures into docs/scaling.md between its
`<!-- table:begin/end -->` and `<!-- scaling:begin/end -->` markers, so the document cannot
drift from the table it cites.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REGISTER = REPO / "src" / "townhall" / "tenancy" / "data" / "uk_local_authorities_current.csv"

# One resident's journey through "Report a pothole" as deploy/residents.py makes it (the faults'
# load): the start page and its "Start now" POST, nine question pages each fetched and answered,
# check your answers fetched, "Send", and the confirmation page. Pages cost what the runner rows
# measured; "Send" stores a submission, which costs what creating one through the API measured
# (the same intake: validation, encryption, the outbox, the event and webhook rows).
JOURNEY_GETS = 1 + 9 + 1 + 1
JOURNEY_POSTS = 1 + 9
JOURNEY_SUBMITS = 1

# Traffic assumptions (sources in docs/scaling.md, "What a council's peak looks like").
WARWICKSHIRE_PEAK_HOUR_VISITS = 12_000  # 7-8 am, 6 January 2010, heavy snow
WARWICKSHIRE_POPULATION = 583_786  # the register's pop-2020 for Warwickshire County Council
RICHMONDSHIRE_FORMS_PER_YEAR = 23_400
WELWYN_HATFIELD_VISITS_PER_YEAR = 360_000


def register_councils() -> tuple[int, float]:
    """Councils that serve residents directly (unitary or lower tier), and their mean population."""
    with REGISTER.open(encoding="utf-8") as file:
        rows = [
            row
            for row in csv.DictReader(file)
            if row["current-authority"] == "True" and row["lower-or-unitary"] == "True"
        ]
    populations = [float(row["pop-2020"] or 0) for row in rows]
    return len(rows), sum(populations) / len(populations)


def main() -> int:
    given = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    path = Path(given[0]) if given else REPO / "var" / "bench" / "stack.json"
    data = json.loads(path.read_text())
    rows = {row["scenario"]: row for row in data["rows"]}
    get = rows["runner_get"]["rps"] if "runner_get" in rows else None
    post = rows["runner_post"]["rps"] if "runner_post" in rows else None
    if get is None or post is None:
        titles = {key: row["title"] for key, row in rows.items()}
        raise SystemExit(f"no runner rows in {path}: {titles}")

    submit = rows["api_create"]["rps"]
    seconds_per_journey = JOURNEY_GETS / get + JOURNEY_POSTS / post + JOURNEY_SUBMITS / submit
    journeys_per_second = 1 / seconds_per_journey
    councils, mean_population = register_councils()
    peak_visits_per_second = (
        WARWICKSHIRE_PEAK_HOUR_VISITS * mean_population / WARWICKSHIRE_POPULATION / 3600
    )
    transaction_share = RICHMONDSHIRE_FORMS_PER_YEAR / WELWYN_HATFIELD_VISITS_PER_YEAR

    upper = peak_visits_per_second  # every visit a whole journey
    likely = peak_visits_per_second * transaction_share
    inbox_rps = rows["inbox_first"]["rps"]
    staff_seconds = 100 / 10 / inbox_rps  # 100 caseworkers, a page every 10 s each
    source = data.get("source", {})
    lines = [
        f"From `var/bench/stack.json` (run {data.get('started_at', '?')[:16]} UTC, commit "
        f"{source.get('commit', '?')[:9]}"
        f"{' with uncommitted changes' if source.get('uncommitted_changes') else ''}):",
        "",
        "| quantity | value | from |",
        "| --- | ---: | --- |",
        f"| question page GET | {get:,.0f}/s | table, runner GET |",
        f"| answer POST | {post:,.0f}/s | table, runner POST |",
        f"| storing a submission | {submit:,.0f}/s | table, API create |",
        f"| machine time per journey ({JOURNEY_GETS} GETs, {JOURNEY_POSTS} POSTs, "
        f"{JOURNEY_SUBMITS} submission) | {seconds_per_journey * 1000:.1f} ms | "
        f"{JOURNEY_GETS}/GET + {JOURNEY_POSTS}/POST + {JOURNEY_SUBMITS}/create |",
        f"| journeys one machine completes | {journeys_per_second:.1f}/s | 1 / the line above |",
        f"| councils in the register serving residents directly | {councils} | "
        "tenancy/data, unitary or lower tier |",
        f"| their mean population | {mean_population:,.0f} | register `pop-2020` |",
        f"| a mean council's peak-hour visits | {peak_visits_per_second * 3600:,.0f} "
        f"({peak_visits_per_second:.2f}/s) | assumption 1, scaled by population |",
        f"| share of visits that are a transaction | {transaction_share:.1%} | assumption 2 |",
        f"| councils at peak per machine, every visit a journey | "
        f"{journeys_per_second / upper:,.0f} | journeys/s ÷ visits/s |",
        f"| councils at peak per machine, {transaction_share:.1%} of visits | "
        f"{journeys_per_second / likely:,.0f} | journeys/s ÷ (visits/s × share) |",
        f"| machines for all {councils} at their peak at once, every visit a journey | "
        f"{councils * upper / journeys_per_second:.1f} | |",
        f"| machines for all {councils} at their peak at once, {transaction_share:.1%} | "
        f"{councils * likely / journeys_per_second:.1f} | |",
        f"| machine time for 100 caseworkers, an inbox page every 10 s each | "
        f"{staff_seconds:.2f} s per second | 10 pages/s ÷ table, inbox first page |",
    ]
    block = "\n".join(lines)
    if "--write" in sys.argv:
        doc = REPO / "docs" / "scaling.md"
        text = doc.read_text()
        table = (REPO / "var" / "bench" / "stack.md").read_text().strip()
        text = _between(text, "table", table)
        text = _between(text, "scaling", block)
        doc.write_text(text)
        print(f"wrote {doc.relative_to(REPO)}")
    else:
        print(block)
    return 0


def _between(text: str, name: str, content: str) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    if not rest:
        raise SystemExit(f"docs/scaling.md has no {begin} … {end} block")
    return f"{head}{begin}\n{content}\n{end}{tail}"


if __name__ == "__main__":
    sys.exit(main())
