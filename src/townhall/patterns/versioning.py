"""What kind of change one pattern definition is from another (pure: no Django, no I/O).

Semantic versioning is a promise to the councils that adopted a version: a minor or patch upgrade
applies in one step keeping their parameter values, so it must not break anything they or their
residents rely on. Anything that can make a stored answer, a parameter value or a journey in
progress invalid is therefore major:
- a page or question removed or renamed (its id is gone), or its type changed;
- an optional question made required;
- validation narrowed: a minimum raised, a maximum lowered, an option or allowed file type removed,
  a date rule changed (date rules are relative expressions, so any change is treated as narrowing);
- a parameter removed, its type changed, or a new one that councils must set (no default).
Structure added or widened (new pages, questions, options, parameters with defaults, routing or
fee changes) is minor; a change only to text (labels, hints, bodies, metadata) is a patch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

MAJOR, MINOR, PATCH, SAME = "major", "minor", "patch", "same"
_RANK = {SAME: 0, PATCH: 1, MINOR: 2, MAJOR: 3}

# Keys whose values are words for people, not behaviour: changing them is a patch.
TEXT_KEYS = frozenset(
    {
        "title", "summary", "label", "hint", "body", "subject", "summary_label", "description",
        "confirmation_title", "what_happens_next", "yes_label", "no_label", "text", "heading",
        "errors", "owner", "licence", "tags", "lgsl", "version", "button", "statement",
        "declaration_text", "item_label", "add_label", "page_title", "caption",
    }
)  # fmt: skip
# Bounds where a larger value accepts less, and where a smaller value accepts less.
_LOWER_BOUNDS = ("min", "min_length", "min_items", "min_chosen", "min_count", "min_digits")
_UPPER_BOUNDS = ("max", "max_length", "max_items", "max_chosen", "max_size", "max_files",
                 "max_count", "max_size_mb", "max_words")  # fmt: skip
_DATE_RULES = ("earliest", "latest", "past", "future", "after", "before")
_ALLOWED_LISTS = ("types", "accept", "allowed_types", "file_types")


@dataclass(frozen=True)
class Change:
    kind: str
    reasons: tuple[str, ...]


def _questions(pages: Any, prefix: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every page and nested question (inside "add another"), keyed by a dotted id."""
    for page in pages or []:
        if isinstance(page, Mapping) and "id" in page:
            key = f"{prefix}{page['id']}"
            yield key, page
            yield from _questions(page.get("questions"), prefix=f"{key}.")


def _option_values(question: Mapping[str, Any]) -> set[str]:
    return {
        str(option.get("value"))
        for option in question.get("options") or []
        if isinstance(option, Mapping)
    }


def _structure(value: Any) -> Any:
    """The definition without its words: what is left is behaviour."""
    if isinstance(value, Mapping):
        return {k: _structure(v) for k, v in value.items() if k not in TEXT_KEYS}
    if isinstance(value, list):
        return [_structure(v) for v in value]
    return value


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _narrowings(qid: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[str]:
    if old.get("type") != new.get("type"):
        yield f"question '{qid}' changed type from {old.get('type')} to {new.get('type')}"
        return
    if old.get("required", True) is False and new.get("required", True) is not False:
        yield f"question '{qid}' became required"
    removed = _option_values(old) - _option_values(new)
    if removed:
        yield f"question '{qid}' lost options: {', '.join(sorted(removed))}"
    for key in _LOWER_BOUNDS:
        before, after = _number(old.get(key)), _number(new.get(key))
        if after is not None and (before is None or after > before):
            yield f"question '{qid}' raised {key} from {old.get(key)} to {new.get(key)}"
    for key in _UPPER_BOUNDS:
        before, after = _number(old.get(key)), _number(new.get(key))
        if after is not None and (before is None or after < before):
            yield f"question '{qid}' lowered {key} from {old.get(key)} to {new.get(key)}"
    for key in _DATE_RULES:
        if key in new and old.get(key) != new.get(key):
            yield f"question '{qid}' changed its date rule {key}"
    for key in _ALLOWED_LISTS:
        if isinstance(old.get(key), list) and isinstance(new.get(key), list):
            lost = set(map(str, old[key])) - set(map(str, new[key]))
            if lost:
                yield f"question '{qid}' no longer accepts {', '.join(sorted(lost))}"


def _parameter_breaks(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[str]:
    for name, spec in old.items():
        if name not in new:
            yield f"parameter '{name}' was removed"
        elif isinstance(spec, Mapping) and spec.get("type") != new[name].get("type"):
            yield f"parameter '{name}' changed type"
    for name, spec in new.items():
        needs_value = isinstance(spec, Mapping) and "default" not in spec
        if name not in old and needs_value and spec.get("required", True) is not False:
            yield f"new parameter '{name}' has no default, so every council must set it"


def change_classify(*, old: Mapping[str, Any], new: Mapping[str, Any]) -> Change:
    """The smallest semantic-version change that honestly describes going from old to new."""
    reasons: list[str] = []
    old_questions, new_questions = (
        dict(_questions(old.get("pages"))),
        dict(_questions(new.get("pages"))),
    )
    for qid, question in old_questions.items():
        if qid not in new_questions:
            reasons.append(f"page or question '{qid}' was removed or renamed")
        else:
            reasons.extend(_narrowings(qid, question, new_questions[qid]))
    reasons.extend(_parameter_breaks(old.get("parameters") or {}, new.get("parameters") or {}))
    if reasons:
        return Change(MAJOR, tuple(reasons))
    if _structure(old) != _structure(new):
        return Change(MINOR, ())
    if dict(old, version=None) != dict(new, version=None):
        return Change(PATCH, ())
    return Change(SAME, ())


def version_parts(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in version.split(".")[:3])
    return major, minor, patch


def bump_declared(*, old_version: str, new_version: str) -> str:
    """The change a new version number declares against the previous one."""
    old, new = version_parts(old_version), version_parts(new_version)
    if new[0] != old[0]:
        return MAJOR
    if new[1] != old[1]:
        return MINOR
    return PATCH if new[2] != old[2] else SAME


def bump_is_enough(*, declared: str, required: str) -> bool:
    return _RANK[declared] >= _RANK[required]
