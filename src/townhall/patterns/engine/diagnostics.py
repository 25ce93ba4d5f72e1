"""Problems found in pattern and scenario files, with stable codes and file positions.

Codes never change meaning once released: editors, CI logs and the library pages refer to them.
Every code is documented in docs/patterns.md (a test checks that).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# code -> one-line meaning. The groups: 0xx files and YAML, 1xx schema, 2xx references,
# 3xx expressions, 4xx routing graph, 5xx Welsh, 6xx scenarios.
CODES: dict[str, str] = {
    "PAT001": "YAML syntax error",
    "PAT002": "duplicate key in a mapping",
    "PAT003": "a file the pattern folder needs is missing or unreadable",
    "PAT004": "the file is not a mapping at the top level",
    "PAT005": "a YAML merge key (<<) is not supported",
    "PAT101": "a required field is missing",
    "PAT102": "unknown field",
    "PAT103": "a value has the wrong type or is out of range",
    "PAT104": "a value is not one of the allowed choices (for example an unknown `type`)",
    "PAT105": "a value does not have the required format (ids, versions, dates)",
    "PAT110": "duplicate id",
    "PAT111": "the pattern id does not match its folder name",
    "PAT112": "duplicate option value",
    "PAT113": "inconsistent bounds (a minimum above its maximum)",
    "PAT114": "a page id is reserved",
    "PAT115": "unknown error message key in `errors:`",
    "PAT116": "a question inside `add_another` has routing (`next`)",
    "PAT201": "unknown question id in an expression",
    "PAT202": "unknown parameter in an expression",
    "PAT203": "unknown name or function in an expression",
    "PAT204": "unknown field of an answer in an expression",
    "PAT205": "`goto` names a page that does not exist",
    "PAT206": "unknown name in a text placeholder",
    "PAT207": "malformed text placeholder",
    "PAT208": "the Open311 mapping names a missing question or one of the wrong type",
    "PAT209": "an expression uses an answer that cannot have been given yet on this page",
    "PAT210": "a parameter default is not one of its choices",
    "PAT301": "type error in an expression (for example a date compared with a number)",
    "PAT302": "a condition is not true or false",
    "PAT303": "the fee expression does not give an amount in pence (int)",
    "PAT304": "expression syntax error",
    "PAT401": "unreachable page",
    "PAT402": "routing cycle",
    "PAT403": "a page has no way to the check-answers page or an exit page",
    "PAT404": "a routing rule can never apply (it follows a rule without `if`)",
    "PAT501": "missing Welsh text where the pattern declares Welsh",
    "PAT502": "Welsh text where the pattern does not declare Welsh",
    "PAT601": "a scenario step was expected to pass validation but did not",
    "PAT602": "a scenario step's validation errors differ from those expected",
    "PAT603": "a scenario's path differs from the one expected",
    "PAT604": "a scenario's summary differs from the one expected",
    "PAT605": "a scenario's outcome differs from the one expected",
    "PAT606": "a scenario step names a page that is not on the journey's path",
    "PAT607": "the scenario file refers to a pattern that has errors",
}


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem, printed as `file:line:col: CODE message` (line and column count from 1)."""

    file: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"undocumented diagnostic code {self.code}")

    def format(self) -> str:
        warning = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.file}:{self.line}:{self.column}: {self.code} {warning}{self.message}"


def diagnostics_have_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
