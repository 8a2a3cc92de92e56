// Commutative rings with identity. No induction; 2·x is written x + x.
// The `expect` lines name laws we hope a run discovers; they never steer the search.
theory rings

sort R

const zero : R            notation "0"
const one : R             notation "1"
function neg : R -> R
function add : R, R -> R  infix "+" precedence 6 left
function mul : R, R -> R  infix "*" precedence 7 left      // also accepted as ·

axiom add_assoc  : forall a b c. (a + b) + c = a + (b + c)
axiom add_comm   : forall a b. a + b = b + a
axiom add_zero   : forall a. a + 0 = a
axiom add_neg    : forall a. a + neg(a) = 0
axiom mul_assoc  : forall a b c. (a * b) * c = a * (b * c)
axiom mul_comm   : forall a b. a * b = b * a
axiom mul_one    : forall a. a * 1 = a
axiom distrib    : forall a b c. a * (b + c) = a * b + a * c

expect mul_zero      : ∀a. a · 0 = 0
expect neg_mul       : ∀a b. neg(a) · b = neg(a · b)
expect neg_neg       : ∀a. neg(neg(a)) = a
expect neg_zero      : neg(0) = 0
expect neg_add       : ∀a b. neg(a + b) = neg(a) + neg(b)
expect neg_mul_neg   : ∀a b. neg(a) · neg(b) = a · b
expect square        : ∀a b. (a + b) · (a + b) = a · a + (a · b + a · b) + b · b
