"""The `townhall` command: Django's management commands with Townhall's settings.

`townhall organisations import FILE` is `django-admin organisations import FILE`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townhall.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["townhall", *sys.argv[1:]])


if __name__ == "__main__":
    main()
