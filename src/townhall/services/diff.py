"""Reading pattern definitions for staff: what changed between two versions, and where each
parameter appears in the journey. Pure: definitions in, plain data out.

The diff is for people deciding whether to upgrade, so it names pages and questions by what
residents see (their label or title) and says which parts of them changed; whether the change is
safe to apply in one step is `patterns.versioning`'s decision, not this module's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from townhall.patterns.versioning import (
    MAJOR,
    MINOR,
    PATCH,
    SAME,
    bump_declared,
    change_classify,
)

# Plain words for the keys of a page or question that staff care about; others are "other details".
_KEY_WORDS = {
    "label": "question text",
    "title": "title",
    "hint": "hint",
    "body": "text",
    "type": "type",
    "required": "whether it must be answered",
    "options": "options",
    "show_if": "when it is shown",
    "next": "where it goes next",
    "questions": "questions",
}
_RANK = {SAME: 0, PATCH: 1, MINOR: 2, MAJOR: 3}


@dataclass(frozen=True)
class Item:
    """One page, question or parameter in a diff: its id, what residents or staff see it as, and
    (for a changed one) which of its parts changed."""

    id: str
    name: str
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionDiff:
    change_type: str  # major, minor, patch or same
    reasons: tuple[str, ...]  # why it is major, when it is
    pages_added: list[Item] = field(default_factory=list)
    pages_removed: list[Item] = field(default_factory=list)
    pages_changed: list[Item] = field(default_factory=list)
    questions_added: list[Item] = field(default_factory=list)
    questions_removed: list[Item] = field(default_factory=list)
    questions_changed: list[Item] = field(default_factory=list)
    parameters_added: list[Item] = field(default_factory=list)
    parameters_removed: list[Item] = field(default_factory=list)
    parameters_changed: list[Item] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, list[Item]]]:
        """Non-empty parts, headed, in the order staff read them."""
        parts = [
            ("Pages added", self.pages_added),
            ("Pages removed", self.pages_removed),
            ("Pages changed", self.pages_changed),
            ("Questions added", self.questions_added),
            ("Questions removed", self.questions_removed),
            ("Questions changed", self.questions_changed),
            ("New parameters", self.parameters_added),
            ("Parameters removed", self.parameters_removed),
            ("Parameters changed", self.parameters_changed),
        ]
        return [(heading, items) for heading, items in parts if items]


def _english(text: Any) -> str:
    if isinstance(text, Mapping):
        return str(text.get("en") or next(iter(text.values()), ""))
    return str(text) if text is not None else ""


def _name(entry: Mapping[str, Any]) -> str:
    return _english(entry.get("label") or entry.get("title") or entry.get("id"))


def _entries(pages: Any) -> Iterator[tuple[str, Mapping[str, Any], bool]]:
    """(dotted id, entry, is a top-level page) for every page and nested question."""
    for page in pages or []:
        if isinstance(page, Mapping) and "id" in page:
            yield str(page["id"]), page, True
            for question in page.get("questions") or []:
                if isinstance(question, Mapping) and "id" in question:
                    yield f"{page['id']}.{question['id']}", question, False


def _changed_keys(
    old: Mapping[str, Any], new: Mapping[str, Any], *, skip_questions: bool = False
) -> list[str]:
    # A page's nested questions are listed one by one under "Questions", not as a page change.
    skip = {"id", "questions"} if skip_questions else {"id"}
    words = [
        _KEY_WORDS.get(key, key.replace("_", " "))
        for key in sorted(set(old) | set(new))
        if key not in skip and old.get(key) != new.get(key)
    ]
    return list(dict.fromkeys(words))


def definition_diff(
    *, old: Mapping[str, Any], new: Mapping[str, Any], old_version: str, new_version: str
) -> VersionDiff:
    """What changed from `old` to `new`, and the change type: the larger of what the version
    numbers declare and what the definitions require (publishing refuses a smaller bump, so
    they agree for library versions; both are read so a diff never understates)."""
    classified = change_classify(old=old, new=new)
    declared = bump_declared(old_version=old_version, new_version=new_version)
    change_type = max(classified.kind, declared, key=_RANK.__getitem__)
    diff = VersionDiff(change_type=change_type, reasons=classified.reasons)
    before = {key: (entry, top) for key, entry, top in _entries(old.get("pages"))}
    after = {key: (entry, top) for key, entry, top in _entries(new.get("pages"))}
    for key, (entry, top) in after.items():
        if key not in before:
            (diff.pages_added if top else diff.questions_added).append(Item(key, _name(entry)))
    for key, (entry, top) in before.items():
        if key not in after:
            (diff.pages_removed if top else diff.questions_removed).append(Item(key, _name(entry)))
            continue
        changes = _changed_keys(entry, after[key][0], skip_questions=top)
        if changes:
            target = diff.pages_changed if top else diff.questions_changed
            target.append(Item(key, _name(after[key][0]), tuple(changes)))
    old_params, new_params = old.get("parameters") or {}, new.get("parameters") or {}
    for name, spec in new_params.items():
        if name not in old_params:
            diff.parameters_added.append(Item(name, _english(spec.get("description"))))
        elif spec != old_params[name]:
            changes = _changed_keys(old_params[name], spec)
            diff.parameters_changed.append(
                Item(name, _english(spec.get("description")), tuple(changes))
            )
    for name, spec in old_params.items():
        if name not in new_params:
            diff.parameters_removed.append(Item(name, _english(spec.get("description"))))
    return diff


def parameter_usage(*, definition: Mapping[str, Any]) -> dict[str, list[str]]:
    """Where each parameter appears, by what staff see: "the start page", "'What is the fee?'
    page", "the confirmation page". Found by the `params.<name>` references in texts and
    conditions, so a parameter used nowhere has an empty list."""
    places: list[tuple[str, Any]] = [("the start page", definition.get("start"))]
    for page in definition.get("pages") or []:
        if isinstance(page, Mapping):
            places.append((f"'{_name(page)}' page", page))
    places.append(("the check answers page", definition.get("check_answers")))
    places.append(("the confirmation page", definition.get("outcome")))
    usage: dict[str, list[str]] = {name: [] for name in definition.get("parameters") or {}}
    for place, content in places:
        if content is None:
            continue
        text = json.dumps(content, ensure_ascii=False)
        for name in set(re.findall(r"params\.([A-Za-z_][A-Za-z0-9_]*)", text)):
            if name in usage:
                usage[name].append(place)
    return usage


def parameters_carried(
    *, old: Mapping[str, Any], new: Mapping[str, Any], values: Mapping[str, Any]
) -> dict[str, Any]:
    """The values that still apply under `new`'s parameters: same name and same type. A removed
    parameter's value would be refused by the engine, and a retyped one's would be wrong."""
    old_params, new_params = old.get("parameters") or {}, new.get("parameters") or {}
    return {
        name: value
        for name, value in values.items()
        if name in new_params
        and name in old_params
        and new_params[name].get("type") == old_params[name].get("type")
    }


def parameters_to_ask(*, diff: VersionDiff, errors: Mapping[str, str]) -> list[str]:
    """Which parameters an upgrade must ask about: new or changed ones, and any whose carried
    value the new version refuses."""
    names = [item.id for item in (*diff.parameters_added, *diff.parameters_changed)]
    return list(dict.fromkeys([*names, *errors]))
