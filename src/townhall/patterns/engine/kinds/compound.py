"""Questions with several inputs: UK address, name, file upload and location.

File and address questions validate what the web layer already knows (an uploaded file's name,
size and detected type; an address picked from a lookup): the engine itself reads no files and
calls no address service.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import ClassVar

from celpy import celtypes

from townhall.patterns.engine.cel_types import DOUBLE, INT, STRING, CelType, list_of, record
from townhall.patterns.engine.formatting import cy_after_i, file_size_display, list_display
from townhall.patterns.engine.kinds.base import (
    Context,
    QuestionKind,
    json_to_cel_strict,
    mapping_of,
    raw_text,
    register,
)
from townhall.patterns.engine.kinds.text import postcode_normalise
from townhall.patterns.engine.messages import word
from townhall.patterns.engine.schema_questions import (
    AddressQuestion,
    FileQuestion,
    LocationQuestion,
    NameQuestion,
)
from townhall.patterns.engine.values import JSON, Answer, FieldError, RawInput, UploadedFile

_MAX_PART = 100
_ADDRESS_PARTS = ("line1", "line2", "town", "county", "postcode")
_PART_NAMES = {
    "line1": ("Address line 1", "llinell 1 y cyfeiriad"),
    "line2": ("Address line 2", "llinell 2 y cyfeiriad"),
    "town": ("Town or city", "y dref neu’r ddinas"),
    "county": ("County", "y sir"),
    "given": ("First name", "eich enw cyntaf"),
    "family": ("Last name", "eich cyfenw"),
    "full": ("Full name", "eich enw llawn"),
}


def _too_long(
    question: AddressQuestion | NameQuestion, part: str, field: str, context: Context
) -> FieldError:
    english, welsh = _PART_NAMES[part]
    if question.errors.get("too_long") is not None:
        return context.error(question, field, "too_long")
    if context.language == "cy":
        message = f"Mae’n rhaid {cy_after_i(welsh)} fod yn {_MAX_PART} nod neu lai"
    else:
        message = f"{english} must be {_MAX_PART} characters or less"
    return FieldError(context.question_id, field, "too_long", message)


@register
class AddressKind(QuestionKind[AddressQuestion]):
    type_name = "uk_address"
    model = AddressQuestion
    error_keys: ClassVar = frozenset(
        {"line1_required", "town_required", "postcode_required", "postcode_invalid", "too_long"}
    )

    def fields(self, question: AddressQuestion, name: str) -> list[str]:
        return [f"{name}-{part}" for part in _ADDRESS_PARTS]

    def validate(
        self, question: AddressQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        parts = {part: " ".join(raw_text(raw, f"{name}-{part}").split()) for part in _ADDRESS_PARTS}
        if not any(parts.values()) and not question.required:
            return None, []
        errors: list[FieldError] = []
        for part in ("line1", "town", "postcode"):
            if not parts[part]:
                errors.append(
                    context.error(
                        question,
                        f"{name}-{part}",
                        f"{part}_required",
                        template=f"address.{part}_required",
                    )
                )
        for part in ("line1", "line2", "town", "county"):
            if len(parts[part]) > _MAX_PART:
                errors.append(_too_long(question, part, f"{name}-{part}", context))
        postcode = postcode_normalise(parts["postcode"]) if parts["postcode"] else None
        if parts["postcode"] and postcode is None:
            errors.append(
                context.error(
                    question, f"{name}-postcode", "postcode_invalid", template="postcode.invalid"
                )
            )
        if errors:
            return None, errors
        answer: dict[str, JSON] = {part: parts[part] for part in _ADDRESS_PARTS}
        answer["postcode"] = postcode
        # A UPRN comes from the web layer's address lookup, never from the resident's typing.
        uprn = raw_text(raw, f"{name}-uprn")
        answer["uprn"] = uprn if re.fullmatch(r"\d{1,12}", uprn) else None
        return answer, []

    def cel_type(self, question: AddressQuestion) -> CelType:
        return record(**dict.fromkeys((*_ADDRESS_PARTS, "uprn"), STRING))

    def display(self, question: AddressQuestion, value: Answer, context: Context) -> list[str]:
        if isinstance(value, dict):
            return [str(value[part]) for part in _ADDRESS_PARTS if value.get(part)]
        return [str(value)] if value is not None else []


@register
class NameKind(QuestionKind[NameQuestion]):
    type_name = "name"
    model = NameQuestion
    error_keys: ClassVar = frozenset({"required", "given_required", "family_required", "too_long"})

    def fields(self, question: NameQuestion, name: str) -> list[str]:
        if question.parts == "full":
            return [name]
        return [f"{name}-given", f"{name}-family"]

    def validate(
        self, question: NameQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        if question.parts == "full":
            full = " ".join(raw_text(raw, name).split())
            if not full:
                return None, (
                    [context.error(question, name, "required", template="required.enter")]
                    if question.required
                    else []
                )
            if len(full) > _MAX_PART:
                return None, [_too_long(question, "full", name, context)]
            return {"full": full}, []
        given = " ".join(raw_text(raw, f"{name}-given").split())
        family = " ".join(raw_text(raw, f"{name}-family").split())
        if not given and not family and not question.required:
            return None, []
        errors: list[FieldError] = []
        for part, text in (("given", given), ("family", family)):
            if not text:
                errors.append(
                    context.error(
                        question,
                        f"{name}-{part}",
                        f"{part}_required",
                        template=f"name.{part}_required",
                    )
                )
            elif len(text) > _MAX_PART:
                errors.append(_too_long(question, part, f"{name}-{part}", context))
        if errors:
            return None, errors
        return {"given": given, "family": family, "full": f"{given} {family}"}, []

    def cel_type(self, question: NameQuestion) -> CelType:
        if question.parts == "full":
            return record(full=STRING)
        return record(given=STRING, family=STRING, full=STRING)

    def display(self, question: NameQuestion, value: Answer, context: Context) -> list[str]:
        if isinstance(value, dict) and isinstance(value.get("full"), str):
            return [str(value["full"])]
        return [str(value)] if value is not None else []


# Detected content types that may accompany each extension: a ".jpg" that is really an
# executable is refused even though its name looks right.
_CONTENT_TYPES = {
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "gif": {"image/gif"},
    "heic": {"image/heic", "image/heif"},
    "pdf": {"application/pdf"},
    "txt": {"text/plain"},
    "csv": {"text/csv", "text/plain"},
    "doc": {"application/msword"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "odt": {"application/vnd.oasis.opendocument.text"},
}


def _uploaded(item: object) -> UploadedFile | None:
    if isinstance(item, UploadedFile):
        return item
    if isinstance(item, Mapping):
        name, size = item.get("name"), item.get("size")
        content_type, ref = item.get("content_type", ""), item.get("ref", "")
        if isinstance(name, str) and isinstance(size, int) and not isinstance(size, bool):
            return UploadedFile(
                name,
                size,
                content_type if isinstance(content_type, str) else "",
                ref if isinstance(ref, str) else "",
            )
    return None


@register
class FileKind(QuestionKind[FileQuestion]):
    type_name = "file"
    model = FileQuestion
    error_keys: ClassVar = frozenset({"required", "wrong_type", "too_big", "empty", "too_many"})

    def validate(
        self, question: FileQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        value: object = raw.get(name)
        items = value if isinstance(value, list | tuple) else []
        files = [file for file in map(_uploaded, items) if file is not None]
        if not files:
            if question.required:
                return None, [context.error(question, name, "required", template="required.select")]
            return [], []
        if len(files) > question.max_files:
            return None, [
                context.error(
                    question,
                    name,
                    "too_many",
                    template="file.too_many",
                    max=str(question.max_files),
                )
            ]
        for file in files:
            error = self._file_error(question, file, context, name)
            if error is not None:
                return None, [error]
        return [
            {"name": f.name, "size": f.size, "content_type": f.content_type, "ref": f.ref}
            for f in files
        ], []

    def _file_error(
        self, question: FileQuestion, file: UploadedFile, context: Context, name: str
    ) -> FieldError | None:
        extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
        allowed_types = _CONTENT_TYPES.get(extension)
        content_ok = (
            not file.content_type or allowed_types is None or file.content_type in allowed_types
        )
        if extension not in question.accept or not content_ok:
            types = list_display([t.upper() for t in question.accept], context.language)
            return context.error(
                question, name, "wrong_type", template="file.wrong_type", types=types
            )
        if file.size <= 0:
            return context.error(question, name, "empty", template="file.empty")
        if file.size > question.max_size_mb * 1024 * 1024:
            size = file_size_display(question.max_size_mb)
            return context.error(question, name, "too_big", template="file.too_big", size=size)
        return None

    def cel_type(self, question: FileQuestion) -> CelType:
        return list_of(record(name=STRING, size=INT, content_type=STRING, ref=STRING))

    def display(self, question: FileQuestion, value: Answer, context: Context) -> list[str]:
        if isinstance(value, list):
            return [
                str(item.get("name")) if isinstance(item, dict) else str(item) for item in value
            ]
        return [str(value)] if value is not None else []


# Roughly the UK and its waters, generous enough for Shetland and the Isles of Scilly.
_UK_LATITUDE = (49.8, 60.95)
_UK_LONGITUDE = (-8.7, 1.8)


def _coordinate(text: str) -> float | None:
    if not re.fullmatch(r"-?\d{1,3}(\.\d{1,10})?", text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


@register
class LocationKind(QuestionKind[LocationQuestion]):
    type_name = "location"
    model = LocationQuestion
    error_keys: ClassVar = frozenset(
        {"required", "too_long", "coordinates_required", "coordinates_invalid"}
    )

    def fields(self, question: LocationQuestion, name: str) -> list[str]:
        if question.coordinates == "none":
            return [name]
        return [name, f"{name}-latitude", f"{name}-longitude"]

    def validate(
        self, question: LocationQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        description = " ".join(raw_text(raw, name).split())
        latitude_text, longitude_text = (
            raw_text(raw, f"{name}-latitude"),
            raw_text(raw, f"{name}-longitude"),
        )
        if question.coordinates == "none":
            latitude_text = longitude_text = ""
        if not (description or latitude_text or longitude_text):
            return None, (
                [context.error(question, name, "required", template="required.enter")]
                if question.required
                else []
            )
        errors: list[FieldError] = []
        if not description:
            errors.append(context.error(question, name, "required", template="required.enter"))
        elif len(description) > 500:
            errors.append(context.error(question, name, "too_long", max="500"))
        latitude, longitude = _coordinate(latitude_text), _coordinate(longitude_text)
        if latitude_text or longitude_text:
            inside = (
                latitude is not None
                and longitude is not None
                and _UK_LATITUDE[0] <= latitude <= _UK_LATITUDE[1]
                and _UK_LONGITUDE[0] <= longitude <= _UK_LONGITUDE[1]
            )
            if not inside:
                errors.append(
                    context.error(
                        question,
                        f"{name}-latitude",
                        "coordinates_invalid",
                        template="location.coordinates_invalid",
                    )
                )
        elif question.coordinates == "required":
            errors.append(
                context.error(
                    question,
                    f"{name}-latitude",
                    "coordinates_required",
                    template="location.coordinates_required",
                )
            )
        if errors:
            return None, errors
        return {"description": description, "latitude": latitude, "longitude": longitude}, []

    def cel_type(self, question: LocationQuestion) -> CelType:
        return record(description=STRING, latitude=DOUBLE, longitude=DOUBLE)

    def display(self, question: LocationQuestion, value: Answer, context: Context) -> list[str]:
        if not isinstance(value, dict):
            return [str(value)] if value is not None else []
        lines = [str(value.get("description", ""))]
        latitude, longitude = value.get("latitude"), value.get("longitude")
        if isinstance(latitude, float | int) and isinstance(longitude, float | int):
            lines.append(f"{word('map_point', context.language)}: {latitude:.5f}, {longitude:.5f}")
        return lines

    def to_cel(self, question: LocationQuestion, value: Answer) -> celtypes.Value:
        answer = mapping_of(value)
        return json_to_cel_strict(
            {
                k: (float(v) if k != "description" and isinstance(v, int) else v)
                for k, v in answer.items()
            }
        )
