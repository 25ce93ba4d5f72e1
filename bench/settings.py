"""Bench-only settings: Townhall's own settings, unchanged, with a URL map that adds one bare page.

The bare page (`bench.urls`) is the ceiling the runner's pages are measured against in the same
run, on the same granian server and through the same middleware. Production never loads this
module: only `bench/bench_runner.py` and `bench/profile_runner.py` set DJANGO_SETTINGS_MODULE to it.
"""

from townhall.config.settings import *  # noqa: F403 - every production setting, as it is

ROOT_URLCONF = "bench.urls"
