"""Mixed Boolean-Arithmetic (MBA): expressions over n-bit words, certified identities, Lean challenges.

Stages, one module each: `parse` (C-like text -> `expr` AST), `classify` (linear / polynomial /
non-polynomial), `normal_form` (signature vectors, conjunction-basis polynomials), `certify`
(verdict + method + counterexample), `simplify` (SiMBA-style linear simplifier), `synthesis`
(random identities and near misses), `render` (Lean 4 + Markdown + JSONL record), `api` (the
benchmark's `recheck` and `proof_from_certificate`).
"""
