"""HTML forms drawn from the pydantic input models, and form data read back into them.

One description per model keeps the admin forms and the API's validation the same: a list
field is a `;`-separated text box, a Literal a select (or checkboxes for a list of them), a
date a date box, a free mapping a JSON text area."""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

Kind = Literal["text", "list", "choice", "choices", "date", "number", "flag", "json"]


@dataclass(frozen=True)
class FormField:
    name: str
    kind: Kind
    required: bool
    options: tuple[str, ...] = ()


def _unwrap(annotation: Any) -> Any:
    """`X | None` → X."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def fields_of(model: type[BaseModel]) -> list[FormField]:
    out = []
    for name, info in model.model_fields.items():
        ann = _unwrap(info.annotation)
        origin, args = typing.get_origin(ann), typing.get_args(ann)
        kind: Kind
        options: tuple[str, ...] = ()
        if origin is Literal:
            kind, options = "choice", tuple(str(a) for a in args)
        elif origin is list and args and typing.get_origin(args[0]) is Literal:
            kind, options = "choices", tuple(str(a) for a in typing.get_args(args[0]))
        elif origin is list and args and args[0] is str:
            kind = "list"
        elif origin in (list, dict):
            kind = "json"
        elif ann is dt.date:
            kind = "date"
        elif ann is int:
            kind = "number"
        elif ann is bool:
            kind = "flag"
        else:
            kind = "text"
        out.append(FormField(name, kind, info.is_required(), options))
    return out


def data_from_form(model: type[BaseModel], form: Any) -> tuple[dict[str, str], dict[str, Any]]:
    """(the raw values to show again, the data to validate); empty optional fields are left
    out so the model's defaults apply."""
    shown: dict[str, str] = {}
    data: dict[str, Any] = {}
    for f in fields_of(model):
        if f.kind == "choices":
            picked = [v for v in form.getlist(f.name) if v in f.options]
            shown[f.name] = ";".join(picked)
            if picked:
                data[f.name] = picked
            continue
        raw = form.get(f.name, "")
        raw = raw.strip() if isinstance(raw, str) else ""
        shown[f.name] = raw
        if f.kind == "flag":
            data[f.name] = raw == "yes"
        elif not raw:
            continue
        elif f.kind == "list":
            data[f.name] = [p.strip() for p in raw.split(";") if p.strip()]
        elif f.kind == "json":
            try:
                data[f.name] = json.loads(raw)
            except json.JSONDecodeError:
                data[f.name] = raw  # the model then says what it expected
        else:
            data[f.name] = raw
    return shown, data


def shown_values(model: type[BaseModel], row: Any) -> dict[str, str]:
    """A stored row's values as the form shows them (for an amend form)."""
    out: dict[str, str] = {}
    for f in fields_of(model):
        value = getattr(row, f.name, None)
        if value is None:
            out[f.name] = ""
        elif f.kind in ("list", "choices"):
            out[f.name] = ";".join(value) if f.kind == "choices" else "; ".join(value)
        elif f.kind == "json":
            out[f.name] = json.dumps(value, ensure_ascii=False)
        elif f.kind == "flag":
            out[f.name] = "yes" if value else ""
        else:
            out[f.name] = str(value)
    return out


def errors_by_field(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "form"
        out.setdefault(name, str(err["msg"]).removeprefix("Value error, "))
    return out
