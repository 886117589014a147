"""The API's schema, generated from the feature contract (no second list of fields).

:func:`contract_fields` is what ``GET /v1/contract`` answers and what the page
builds its form from; :func:`applicant_schema` is the JSON Schema of one
applicant in the OpenAPI document. Validation itself is the library's
(:func:`xieshang.validation.applicant_frame`): the schema documents, it does
not judge, so the API accepts exactly what ``explain(dict)`` accepts
(Chinese or English headers, values spelled by their labels, blanks).
"""

from __future__ import annotations

from typing import Any

from ..contract import FEATURES, MISSING_OK_NAMES, VALUE_LABELS, ActionSpec, Feature
from .whatif import menu_fields

__all__ = ["API_VERSION", "contract_fields", "applicant_schema"]

API_VERSION = "v1"

_JSON_TYPE = {"float": "number", "int": "integer", "bool": "boolean", "category": "string"}


def _action(spec: ActionSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {"kind": spec.kind, "values": list(spec.values), "requires": spec.requires}


def contract_fields() -> list[dict[str, Any]]:
    """Every contract field as JSON: labels (zh/en), type, range, allowed values, unit, may be unknown, actionable."""
    menu = {f.name for f in menu_fields()}
    out = []
    for f in FEATURES:
        labels = VALUE_LABELS.get(f.name, {})
        out.append({
            "name": f.name,
            "type": f.kind,
            "label": {"zh": f.label_zh, "en": f.label_en},
            "factor": {"zh": f.factor_zh, "en": f.factor_en},
            "low": f.low,
            "high": f.high,
            "values": [{"value": c, "label": {"zh": labels.get(c, (c, c))[0], "en": labels.get(c, (c, c))[1]}}
                       for c in f.categories],
            "unit": f.unit,
            "may_be_unknown": f.name in MISSING_OK_NAMES,
            "required": f.required,
            "actionable": f.actionable,
            "action": _action(f.action),
            "what_if": f.name in menu,  # a control on the page (its values per applicant: POST /v1/plan)
            "document": f.document,
            "direction": f.direction,
        })
    return out


def _property(f: Feature) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": _JSON_TYPE[f.kind], "title": f.label_en,
                            "description": f"{f.label_zh} / {f.label_en}" + (f" ({f.unit})" if f.unit else "")}
    if f.is_numeric:
        prop["minimum"], prop["maximum"] = f.low, f.high
    if f.categories:
        prop["enum"] = list(f.categories)
    if f.name in MISSING_OK_NAMES:  # OpenAPI 3.1: null means unknown
        prop = {"anyOf": [prop, {"type": "null"}], "title": prop["title"], "description": prop["description"]
                + "; null or left out: unknown"}
    return prop


def applicant_schema() -> dict[str, Any]:
    """JSON Schema of one applicant: the contract's fields; those that may be unknown may be null or left out.

    Keys may also be the Chinese or English labels and values their labels
    (see :mod:`xieshang.headers`); a key the contract does not know is refused.
    """
    return {
        "type": "object",
        "title": "Applicant",
        "properties": {f.name: _property(f) for f in FEATURES},
        "required": [f.name for f in FEATURES if f.name not in MISSING_OK_NAMES],
        "additionalProperties": True,
    }
