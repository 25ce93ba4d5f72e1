"""The Jinja2 environment: our templates first, then govuk-frontend-jinja's macros.

Templates import macros as `govuk_frontend_jinja/components/<name>/macro.html`.
"""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from townhall.core.i18n import language_switch


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    loader = options.pop("loader")
    options.pop("autoescape", None)
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(
        autoescape=True,
        loader=ChoiceLoader(
            [
                loader,
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        **options,
    )
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        static=static,
        url=url,
        language_switch=language_switch,
        get_language=translation.get_language,
    )
    return env
