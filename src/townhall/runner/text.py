"""Pattern texts as HTML: escaped first, then paragraphs, bullet lists and links.

The pattern format (docs/patterns.md) allows exactly this in body texts: paragraphs separated by
blank lines, lines starting "- " as a bulleted list, and web addresses, which become links.
Nothing a pattern (or a parameter, or an answer placed in a text) says can add other HTML.
"""

from __future__ import annotations

import itertools
import re

from markupsafe import Markup, escape

# Stop before punctuation that ends a sentence: "see https://example.gov.uk." links without the dot.
_URL = re.compile(r"https://[^\s<>\"]*[^\s<>\".,;:!?)’'”]")


def inline_html(text: str) -> Markup:
    """One line of text, escaped, with web addresses as links."""
    escaped = str(escape(text))
    linked = _URL.sub(lambda m: f'<a class="govuk-link" href="{m[0]}">{m[0]}</a>', escaped)
    return Markup(linked)  # noqa: S704 - built from escaped text only


def body_html(text: str) -> Markup:
    """Paragraphs and bulleted lists, GOV.UK-styled. Within a block, a run of "- " lines is a list
    and a run of other lines is a paragraph (lines joined with line breaks)."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        for bulleted, run in itertools.groupby(lines, key=lambda line: line.startswith("- ")):
            run_lines = list(run)
            if bulleted:
                items = "".join(f"<li>{inline_html(line[2:].strip())}</li>" for line in run_lines)
                blocks.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
            else:
                paragraph = Markup("<br>").join(inline_html(line) for line in run_lines)
                blocks.append(f'<p class="govuk-body">{paragraph}</p>')
    return Markup("\n".join(blocks))  # noqa: S704 - every part is escaped above
