"""What an amendment changed: the differences between two issues of a certificate, in
words a reader of a superseded passport can act on ("models removed: EK-18"). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _names(items: list[dict[str, Any]]) -> list[str]:
    return [str(i.get("name", "")) for i in items]


def _diff(what: str, before: list[str], after: list[str]) -> list[str]:
    removed = [x for x in before if x not in after]
    added = [x for x in after if x not in before]
    out = []
    if removed:
        out.append(f"{what} removed: {', '.join(removed)}")
    if added:
        out.append(f"{what} added: {', '.join(added)}")
    return out


def issue_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The changes from issue `before` to issue `after` (their rows as dicts: holder,
    manufacturer, products, factories, standards, valid_until, conditions, testing_route)."""
    out: list[str] = []
    models = [m for p in before.get("products") or [] for m in p.get("models") or []]
    new_models = [m for p in after.get("products") or [] for m in p.get("models") or []]
    out += _diff("products", _names(before.get("products") or []),
                 _names(after.get("products") or []))
    out += _diff("models", models, new_models)
    for field in ("holder", "manufacturer"):
        old = (before.get(field) or {}).get("name")
        new = (after.get(field) or {}).get("name")
        if old != new:
            out.append(f"{field} changed from {old or 'none'} to {new or 'none'}")
        elif (before.get(field) or {}).get("names") != (after.get(field) or {}).get("names"):
            out.append(f"{field}'s names in other languages changed")
    out += _diff("factories", _names(before.get("factories") or []),
                 _names(after.get("factories") or []))
    out += _diff("standards", list(before.get("standards") or []),
                 list(after.get("standards") or []))
    for field, label in (("valid_until", "valid until"), ("testing_route", "testing route"),
                         ("conditions", "conditions")):
        old, new = before.get(field), after.get(field)
        if old != new:
            out.append(f"{label} changed from {old or 'none'} to {new or 'none'}")
    return out
