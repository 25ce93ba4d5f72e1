"""Fixed parts of the runner: the old session key, page addresses, the idle limit's default and
the states of a save-and-return link."""

from __future__ import annotations

from enum import StrEnum

# Where the Django session held pointers to journeys, by service ({"<service id>[:preview]": id}),
# before each journey had its own cookie (ADR 0011). Read only, so that journeys started before
# that upgrade can finish; it can go once they have all finished or expired.
SESSION_JOURNEYS = "townhall_journeys"
# Each journey's cookie is this followed by its service's id (runner/session.py).
JOURNEY_COOKIE_PREFIX = "townhall-journey-"
# `?return=check-answers` on a page reached by a "Change" link: a valid answer goes back there.
RETURN_PARAM = "return"
RETURN_TO_CHECK_ANSWERS = "check-answers"
# Page ids are lower case with underscores (the pattern format), so these hyphenated addresses can
# never be a page's. `declaration` and `confirmation` come before pages in urls.py.
DEFAULT_IDLE_SECONDS = 60 * 60
# Writing last_activity on every page view would cost a write per GET: a minute's slack is fine.
TOUCH_EVERY_SECONDS = 60


class SaveLinkState(StrEnum):
    """What opening a "save and come back later" link finds."""

    USABLE = "usable"
    # Used, replaced by a newer link, or its journey was sent meanwhile.
    USED = "used"
    EXPIRED = "expired"


# "Save and come back later" emails: at most this many to one address, and this many from one IP
# address, in the sign-in lockout window (TOWNHALL_SIGN_IN_LOCKOUT_SECONDS), so the form cannot be
# used to flood someone's inbox.
SAVE_EMAILS_PER_ADDRESS = 5
SAVE_EMAILS_PER_IP = 20
