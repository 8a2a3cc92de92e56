theory peano

sort N
const zero : N  notation "0"
function s : N -> N
function add : N, N -> N  infix "+" precedence 6 left
function mul : N, N -> N  infix "*" precedence 7 left

induction N : zero, s

axiom succ_ne_zero : ∀n. s(n) ≠ 0
axiom succ_inj : ∀a b. s(a) = s(b) → a = b
axiom add_zero : ∀a. a + 0 = a
axiom add_succ : ∀a b. a + s(b) = s(a + b)
axiom mul_zero : ∀a. a · 0 = 0
axiom mul_succ : ∀a b. a · s(b) = a · b + a
axiom zero_or_succ : ∀a. a ≠ 0 → ∃b. a = s(b)
