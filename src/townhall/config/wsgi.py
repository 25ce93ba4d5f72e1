"""WSGI entry point, served by granian in `make run` and in production."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.config.settings")
application = get_wsgi_application()

# Tail latency: everything loaded so far (Django, the URL map, templates) lives as long as the
# process, so move it out of the cyclic garbage collector's sight, and collect the youngest
# generation less often. Each request makes thousands of short-lived objects; with the default
# threshold (700) the collector ran many times a request, and its full collections over the
# whole heap were what stretched the slowest 1 % of responses (bench/).
gc.collect()
gc.freeze()
gc.set_threshold(7000, 20, 20)
