"""Mixed Boolean-Arithmetic (MBA): expressions over n-bit words, certified identities, Lean challenges.

Stages, one module each: `parse` (C-like text -> `expr` AST), `classify` (linear / polynomial /
non-polynomial), `normal_form` (signature vectors, conjunction-basis polynomials), `layered`
(GAMBA-class normal forms of non-linear MBA), `certify` (verdict + method + counterexample),
`simplify` (smallest certified form: signatures and layered normal forms), `synthesis`
(random identities and near misses), `render` (Lean 4 + Markdown + JSONL record), `api` (the
benchmark's `recheck` and `proof_from_certificate`).
"""
