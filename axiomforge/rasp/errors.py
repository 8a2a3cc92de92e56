"""Errors of the RASP engine; every one is a `UserError` (exit code 2, one line with a location)."""

from __future__ import annotations

from axiomforge.errors import SourceLocation, UserError


class RaspSyntaxError(UserError):
    """A `.rasp` file that does not parse."""


class RaspTypeError(UserError):
    """A well-formed program that is ill-typed (an aggregate of a non-selector, a wrong arity, ...)."""


class RaspRuntimeError(UserError):
    """The reference interpreter met an input outside the program's domain.

    Example: a categorical mean aggregate whose selector picks several positions holding different
    values (RASP defines the mean only for numbers)."""


class RaspCompileError(UserError):
    """A construct the compiler cannot turn into an exact transformer; names the s-op and why."""

    def __init__(self, sop_label: str, why: str, location: SourceLocation | None = None) -> None:
        super().__init__(f"cannot compile s-op '{sop_label}': {why}", location)
        self.sop_label = sop_label
        self.why = why
