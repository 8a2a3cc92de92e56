"""Strict shape checks for challenge records: exact JSON types, no unknown keys, at every level.

JSON has one number type, so a loose reader accepts `"149"`, `149.9` or `true` where a step count
belongs (Python's `bool` is even an `int`). `recheck` therefore validates the shape of a record
before it re-derives anything: a schema names, for every key, the exact type or the allowed
values, and an object schema lists every key it allows. The first violation is reported with the
dotted path of the field (`params.bound: expected an integer, got the string '149'`).

A schema is one of:

- a Python type (`str`, `int`, `bool`, `dict`, `list`, `type(None)`): exactly that JSON type
  (`int` excludes `bool`; a `dict`/`list` here means "any contents");
- `OneOf(values)`: one of the given literal values (type included: `1` is not `True`);
- `AnyOf(schemas)`: the first of the schemas that matches (an integer or the string "symbolic");
- `Optional(schema)`: null or the inner schema;
- `ListOf(schema)`: a list whose items all match;
- `MapOf(schema)`: an object with any string keys whose values all match;
- `Obj(required, optional)`: an object with exactly the required keys, plus any of the optional
  ones, each value matching its schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Schema = Any
"""A type, or one of the schema classes below (kept loose: the schemas are data)."""


@dataclass(frozen=True)
class OneOf:
    values: tuple[Any, ...]


@dataclass(frozen=True)
class AnyOf:
    options: tuple[Schema, ...]


@dataclass(frozen=True)
class Optional:
    inner: Schema


@dataclass(frozen=True)
class ListOf:
    item: Schema


@dataclass(frozen=True)
class MapOf:
    value: Schema


@dataclass(frozen=True)
class Obj:
    required: Mapping[str, Schema]
    optional: Mapping[str, Schema] = field(default_factory=dict)


_TYPE_WORDS = {str: "a string", int: "an integer", bool: "a boolean", float: "a number",
               dict: "an object", list: "a list", type(None): "null"}


def describe(value: Any) -> str:
    """`the string '149'`, `the number 149.9`, ...: what a wrong value is, for error messages."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if value is None:
        return "null"
    return _TYPE_WORDS.get(type(value), type(value).__name__)


def _exact(value: Any, kind: type) -> bool:
    return type(value) is kind


def check(value: Any, schema: Schema, path: str = "record") -> str | None:
    """None when `value` matches `schema`, else `"<path>: <what is wrong>"` for the first mismatch."""
    if isinstance(schema, type):
        if _exact(value, schema):
            return None
        return f"{path}: expected {_TYPE_WORDS.get(schema, schema.__name__)}, got {describe(value)}"
    if isinstance(schema, OneOf):
        if any(type(value) is type(v) and value == v for v in schema.values):
            return None
        allowed = ", ".join(repr(v) for v in schema.values)
        return f"{path}: expected one of {allowed}, got {describe(value)}"
    if isinstance(schema, Optional):
        return None if value is None else check(value, schema.inner, path)
    if isinstance(schema, AnyOf):
        problems = [check(value, option, path) for option in schema.options]
        if any(p is None for p in problems):
            return None
        return "; or ".join(p for p in problems if p)
    if isinstance(schema, ListOf):
        if not _exact(value, list):
            return f"{path}: expected a list, got {describe(value)}"
        for i, item in enumerate(value):
            problem = check(item, schema.item, f"{path}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(schema, MapOf):
        if not _exact(value, dict):
            return f"{path}: expected an object, got {describe(value)}"
        for key, item in value.items():
            problem = check(item, schema.value, f"{path}.{key}")
            if problem:
                return problem
        return None
    if isinstance(schema, Obj):
        if not _exact(value, dict):
            return f"{path}: expected an object, got {describe(value)}"
        for key in value:
            if key not in schema.required and key not in schema.optional:
                return f"{_join(path, key)}: unknown field"
        for key, inner in schema.required.items():
            if key not in value:
                return f"{_join(path, key)}: missing field"
            problem = check(value[key], inner, _join(path, key))
            if problem:
                return problem
        for key, inner in schema.optional.items():
            if key in value:
                problem = check(value[key], inner, _join(path, key))
                if problem:
                    return problem
        return None
    raise TypeError(f"not a schema: {schema!r}")


def _join(path: str, key: str) -> str:
    return key if path == "record" else f"{path}.{key}"


def first_difference(expected: Any, actual: Any, path: str) -> str | None:
    """The dotted path of the first place where two JSON values differ (None when equal);
    objects are compared key by key so that an edit is named down to its leaf."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in expected or key not in actual:
                return _join(path, key)
            inner = first_difference(expected[key], actual[key], _join(path, key))
            if inner:
                return inner
        return None
    if type(expected) is not type(actual) or expected != actual:
        return path
    return None


def is_sha256_hex(value: Any) -> bool:
    return _exact(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
