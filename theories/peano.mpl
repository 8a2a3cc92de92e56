// Peano arithmetic: signature, axioms, induction schema. Nothing else.
// The `expect` lines only name laws we hope a run discovers; they never steer the search.
// Formulas may be written in ASCII (forall, ->, !=, *) or Unicode (∀, →, ≠, ·); both appear below.
theory peano

sort N

const zero : N            notation "0"
function s : N -> N
function add : N, N -> N  infix "+" precedence 6 left
function mul : N, N -> N  infix "*" precedence 7 left      // also accepted as ·
definition one : N := s(0)          notation "1"   // a definition: new constant + axiom one_def : one = s(0)

induction N : zero, s

axiom succ_ne_zero : forall n. s(n) != 0
axiom succ_inj     : forall a b. s(a) = s(b) -> a = b
axiom add_zero     : forall a. a + 0 = a
axiom add_succ     : forall a b. a + s(b) = s(a + b)
axiom mul_zero     : forall a. a * 0 = 0
axiom mul_succ     : forall a b. a * s(b) = a * b + a

// ---------------------------------------------------------------- addition (ASCII spelling)
expect zero_add        : forall a. 0 + a = a
expect succ_add        : forall a b. s(a) + b = s(a + b)
expect succ_eq_add_one : forall a. s(a) = a + 1
expect succ_eq_one_add : forall a. s(a) = 1 + a
expect add_comm        : forall a b. a + b = b + a
expect add_assoc       : forall a b c. (a + b) + c = a + (b + c)

// ---------------------------------------------------------------- multiplication (Unicode spelling)
expect zero_mul        : ∀a. 0 · a = 0
expect succ_mul        : ∀a b. s(a) · b = a · b + b
expect mul_one         : ∀a. a · 1 = a
expect one_mul         : ∀a. 1 · a = a
expect mul_comm        : ∀a b. a · b = b · a
expect left_distrib    : ∀a b c. a · (b + c) = a · b + a · c
expect right_distrib   : ∀a b c. (a + b) · c = a · c + b · c
expect mul_assoc       : ∀a b c. (a · b) · c = a · (b · c)

// ---------------------------------------------------------------- cancellation and disequalities
expect add_right_cancel : forall a b c. a + c = b + c -> a = b
expect add_left_cancel  : ∀a b c. c + a = c + b → a = b
expect add_eq_zero      : forall a b. a + b = 0 -> a = 0
expect succ_ne_self     : ∀a. s(a) ≠ a
expect add_succ_ne_self : forall a b. a + s(b) != a

// ---------------------------------------------------------------- stretch goals
expect mul_eq_zero      : ∀a b. a · b = 0 → a = 0 ∨ b = 0
expect zero_or_succ     : forall a. a != 0 -> exists b. a = s(b)
