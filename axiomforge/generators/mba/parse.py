"""C-like text -> `expr` AST, with the grammar in `mba.lark`; errors carry line and column."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from axiomforge.errors import SourceLocation, UserError, caret_excerpt

from .expr import Binary, Const, Expr, Identity, Unary, Var


class MBASyntaxError(UserError):
    """Text that is not an MBA expression or identity."""


class MBAInputError(UserError):
    """Well-formed text that is not what was asked for (an expression where an identity is needed)."""


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = (Path(__file__).with_name("mba.lark")).read_text()
    return Lark(grammar, parser="lalr", propagate_positions=False, maybe_placeholders=False, transformer=_ToAst())


class _ToAst(Transformer):
    def var(self, items: list[Token]) -> Expr:
        return Var(str(items[0]))

    def decconst(self, items: list[Token]) -> Expr:
        return Const(int(str(items[0]), 10))

    def hexconst(self, items: list[Token]) -> Expr:
        return Const(int(str(items[0]), 16))

    def neg(self, items: list[Expr]) -> Expr:
        return Unary("-", items[0])

    def bnot(self, items: list[Expr]) -> Expr:
        return Unary("~", items[0])

    def _bin(op: str):  # type: ignore[misc]
        def method(self: _ToAst, items: list[Expr]) -> Expr:
            return Binary(op, items[0], items[1])  # type: ignore[arg-type]

        return method

    add = _bin("+")
    sub = _bin("-")
    mul = _bin("*")
    band = _bin("&")
    bor = _bin("|")
    bxor = _bin("^")

    def identity(self, items: list[Expr]) -> Identity:
        return Identity(items[0], items[1])


MAX_NESTING = 400  # the stages recurse over the tree; deeper inputs are refused, not crashed on


def _nesting(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


_CHAIN_GROUPS = {"+": "+-", "-": "+-", "*": "*", "&": "&", "|": "|", "^": "^"}
_LONG_CHAIN = 32  # chains up to this many operands keep the parser's left-nested tree exactly


def _chain(e: Expr) -> list[tuple[str, Expr]]:
    """The operands of the left-nested chain of one operator group at the top of `e`, with the
    operator before each (`+` for the first); iterative, so a 10,000-term flat sum is fine."""
    group = _CHAIN_GROUPS[e.op] if isinstance(e, Binary) else ""
    out: list[tuple[str, Expr]] = []
    node = e
    while isinstance(node, Binary) and node.op in group:
        out.append((node.op, node.right))
        node = node.left
    out.append(("+" if group == "+-" else group, node))
    out.reverse()
    return out


def _balanced(e: Expr) -> Expr:
    """`e` with every chain of more than `_LONG_CHAIN` operands of an associative operator group
    (`a - b + c - ...`, `a * b * ...`, `a & b & ...`, ...) regrouped as a balanced tree: the same
    function (modular + and * and the bitwise operators are associative), but logarithmic depth,
    so flat input is not mistaken for deep nesting. Recursion follows parenthesised nesting only."""
    if isinstance(e, Unary):  # a run of prefix operators, walked iteratively (`~~~...x` stays deep)
        ops: list[str] = []
        node: Expr = e
        while isinstance(node, Unary):
            ops.append(node.op)
            node = node.arg
        out = _balanced(node)
        for op in reversed(ops):
            out = Unary(op, out)  # type: ignore[arg-type]
        return out
    if not isinstance(e, Binary):
        return e
    chain = _chain(e)
    if len(chain) <= _LONG_CHAIN:
        if len(chain) == 2:
            return Binary(e.op, _balanced(e.left), _balanced(e.right))
        return _fold([(op, _balanced(term)) for op, term in chain], balance=False)
    return _fold([(op, _balanced(term)) for op, term in chain], balance=True)


def _fold(chain: list[tuple[str, Expr]], balance: bool) -> Expr:
    """Rebuild a chain whose first operator is `+` (or the group's own operator)."""
    if not balance or len(chain) <= 2:
        out = chain[0][1]
        for op, term in chain[1:]:
            out = Binary(op, out, term)  # type: ignore[arg-type]
        return out
    middle = len(chain) // 2
    left, right = chain[:middle], chain[middle:]
    op = right[0][0]
    if op == "-":  # a - (b - c + ...) with every sign of the right half flipped
        right = [("+", right[0][1])] + [("-" if o == "+" else "+", t) for o, t in right[1:]]
    else:
        right = [(left[0][0], right[0][1])] + right[1:]
    return Binary(op, _fold(left, True), _fold(right, True))  # type: ignore[arg-type]


MAX_CONSTANT_DIGITS = 100  # a 64-bit word needs 20; Python's int() refuses past 4,300 with a ValueError
_LONG_CONSTANT = re.compile(rf"\b(?:0[xX][0-9A-Fa-f]{{{MAX_CONSTANT_DIGITS + 1},}}|[0-9]{{{MAX_CONSTANT_DIGITS + 1},}})")


_TOKEN = re.compile(r"\s*(?:(0[xX][0-9a-fA-F]+)|([0-9]+)|([A-Za-z_][A-Za-z0-9_]*)|(==|[-+*&|^~()]))")
_LEVELS: tuple[frozenset[str], ...] = (
    frozenset("|"), frozenset("^"), frozenset("&"), frozenset("+-"), frozenset("*"))


class _NotFast(Exception):
    """The fast parser met something it does not handle; the grammar-driven parser decides."""


def _fast_parse(text: str) -> Expr | Identity | None:
    """The same tree as the grammar in `mba.lark` for well-formed text, by precedence climbing
    (about five times faster on the 1-2 kB lines of the MBA-Solver data set); None for anything
    else, including every syntax error, which the Lark parser then reports with its location."""
    tokens: list[tuple[str, str]] = []
    position = 0
    end = len(text.rstrip())
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        hexa, dec, name, op = match.groups()
        tokens.append(("hex", hexa) if hexa else ("dec", dec) if dec else ("name", name) if name else ("op", op))
        position = match.end()
    tokens.append(("end", ""))
    at = 0

    def peek() -> tuple[str, str]:
        return tokens[at]

    def take() -> tuple[str, str]:
        nonlocal at
        at += 1
        return tokens[at - 1]

    def level(i: int) -> Expr:
        if i == len(_LEVELS):
            return unary()
        left = level(i + 1)
        while peek()[0] == "op" and peek()[1] in _LEVELS[i]:
            op = take()[1]
            left = Binary(op, left, level(i + 1))  # type: ignore[arg-type]
        return left

    def unary() -> Expr:
        ops = []
        while peek() in (("op", "-"), ("op", "~")):
            ops.append(take()[1])
        out = atom()
        for op in reversed(ops):
            out = Unary(op, out)  # type: ignore[arg-type]
        return out

    def atom() -> Expr:
        kind, value = take()
        if kind == "name":
            return Var(value)
        if kind == "hex":
            return Const(int(value, 16))
        if kind == "dec":
            return Const(int(value, 10))
        if (kind, value) == ("op", "("):
            inner = level(0)
            if take() != ("op", ")"):
                raise _NotFast
            return inner
        raise _NotFast

    try:
        lhs = level(0)
        if peek() == ("op", "=="):
            take()
            rhs = level(0)
            result: Expr | Identity = Identity(lhs, rhs)
        else:
            result = lhs
        return result if peek()[0] == "end" else None
    except (_NotFast, RecursionError):
        return None


MAX_TEXT_CHARS = 200_000
"""Longest expression or identity accepted (characters). The data sets' lines are under 3,000; a
flat 117 kB identity certifies in about 2 s, so this bounds the work of one line to seconds."""


def _parse(text: str, source: str | None) -> Expr | Identity:
    if len(text) > MAX_TEXT_CHARS:
        raise MBAInputError(f"{len(text):,} characters, more than the {MAX_TEXT_CHARS:,} accepted in one expression",
                            SourceLocation(source, 1, MAX_TEXT_CHARS + 1))
    long_constant = _LONG_CONSTANT.search(text)
    if long_constant:
        at_line = text.count("\n", 0, long_constant.start()) + 1
        at_column = long_constant.start() - (text.rfind("\n", 0, long_constant.start()) + 1) + 1
        raise MBAInputError(f"a constant of {len(long_constant.group())} characters (at most {MAX_CONSTANT_DIGITS} digits)",
                            SourceLocation(source, at_line, at_column), caret_excerpt(text, at_line, at_column))
    if _nesting(text) > MAX_NESTING:
        raise MBAInputError(f"expression nested more than {MAX_NESTING} parentheses deep", SourceLocation(source, 1, 1))
    fast = _fast_parse(text)
    try:
        tree = fast if fast is not None else _parser().parse(text)
    except RecursionError:
        raise MBAInputError("expression too deeply nested", SourceLocation(source, 1, 1)) from None
    except UnexpectedInput as err:
        line, column = getattr(err, "line", None), getattr(err, "column", None)
        token = getattr(err, "token", None)
        at_end = isinstance(err, UnexpectedEOF) or (token is not None and token.type == "$END")
        if at_end or line is None or line < 1:
            lines = text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
            message = "unexpected end of input"
        elif isinstance(err, UnexpectedCharacters):
            position = err.pos_in_stream if err.pos_in_stream is not None else 0
            message = f"unexpected character {text[position]!r}"
        else:
            message = f"unexpected {str(token)!r}" if token else "syntax error"
        expected = sorted(getattr(err, "expected", None) or getattr(err, "allowed", None) or [])
        if expected:
            names = list(dict.fromkeys(_pretty_terminal(t) for t in expected))
            message += f" (expected one of: {', '.join(names)})"
        raise MBASyntaxError(
            message, SourceLocation(source, line, column), caret_excerpt(text, line, column or 1)
        ) from None
    result: Expr | Identity = tree  # type: ignore[assignment]  # the inline transformer built the AST
    if max(tree_depth(side) for side in _sides(result)) > MAX_NESTING:
        result = Identity(_balanced(result.lhs), _balanced(result.rhs)) if isinstance(result, Identity) \
            else _balanced(result)
    if max(tree_depth(side) for side in _sides(result)) > MAX_NESTING:
        raise MBAInputError(f"expression nested more than {MAX_NESTING} levels deep", SourceLocation(source, 1, 1))
    return result


def _sides(result: Expr | Identity) -> tuple[Expr, ...]:
    return (result.lhs, result.rhs) if isinstance(result, Identity) else (result,)


def tree_depth(e: Expr) -> int:
    """The depth of `e` (a leaf is 1), computed iteratively."""
    deepest = 0
    stack: list[tuple[Expr, int]] = [(e, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(node, Unary):
            stack.append((node.arg, d + 1))
        elif isinstance(node, Binary):
            stack.extend(((node.left, d + 1), (node.right, d + 1)))
    return deepest


_TERMINAL_NAMES = {
    "NAME": "a variable", "DEC": "a number", "HEX": "a number", "LPAR": "'('", "RPAR": "')'",
    "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "AMPERSAND": "'&'", "VBAR": "'|'",
    "CIRCUMFLEX": "'^'", "TILDE": "'~'", "__ANON_0": "'=='", "$END": "end of input",
}


def _pretty_terminal(name: str) -> str:
    return _TERMINAL_NAMES.get(name, name)


def parse_expression(text: str, source: str | None = None) -> Expr:
    """Parse one expression (`(x ^ y) + 2*(x & y)`)."""
    result = _parse(text, source)
    if isinstance(result, Identity):
        raise MBAInputError("expected an expression, got an identity (`==`)", SourceLocation(source, 1, 1))
    return result


def parse_identity(text: str, source: str | None = None) -> Identity:
    """Parse `EXPR == EXPR`."""
    result = _parse(text, source)
    if not isinstance(result, Identity):
        lines = text.splitlines() or [""]
        raise MBAInputError(
            "expected an identity `EXPR == EXPR`, got a single expression",
            SourceLocation(source, len(lines), len(lines[-1]) + 1),
        )
    return result
