"""Busy Beaver: Turing machines, a fast simulator, TNF enumeration with certified deciders, and
Lean 4 + Markdown challenge synthesis. See docs/busy_beaver.md."""
