"""Fixed parts of the runner: session keys, page addresses and the idle limit's default."""

from __future__ import annotations

# The Django session holds only pointers to journeys, by service: {"<service id>[:preview]": id}.
SESSION_JOURNEYS = "townhall_journeys"
# `?return=check-answers` on a page reached by a "Change" link: a valid answer goes back there.
RETURN_PARAM = "return"
RETURN_TO_CHECK_ANSWERS = "check-answers"
# Page ids are lower case with underscores (the pattern format), so these hyphenated addresses can
# never be a page's. `declaration` and `confirmation` come before pages in urls.py.
DEFAULT_IDLE_SECONDS = 60 * 60
# Writing last_activity on every page view would cost a write per GET: a minute's slack is fine.
TOUCH_EVERY_SECONDS = 60
