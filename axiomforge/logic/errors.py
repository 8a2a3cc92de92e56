"""Errors of the MPL front end: syntax errors and type (sort/arity/name) errors.

Both carry the `SourceLocation` of the offending token and a caret excerpt of the source line, so
the CLI prints `error: file:line:col: message` followed by the line and a `^` under the column.
"""

from __future__ import annotations

from axiomforge.errors import SourceLocation, UserError, caret_excerpt


class MPLError(UserError):
    """Base class of every error the MPL and GL readers raise for bad input."""

    @classmethod
    def at(cls, message: str, text: str, file: str, line: int | None, column: int | None) -> MPLError:
        """An error located at (line, column) of `text`, with the caret excerpt as detail."""
        detail = caret_excerpt(text, line, column) if line is not None and column is not None else ""
        return cls(message, SourceLocation(file, line, column), detail)


class MPLSyntaxError(MPLError):
    """The text does not follow the grammar (unexpected character or token, early end of file)."""


class MPLTypeError(MPLError):
    """The text parses but is ill-formed: undeclared symbol, wrong arity, sort mismatch or
    ambiguity, duplicate declaration, bad induction schema."""
