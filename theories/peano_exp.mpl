// Peano arithmetic with exponentiation: peano.mpl's signature and axioms plus ^ and its two
// defining equations. Nothing else: the laws of ^ below are found and proved by the run.
// The `expect` lines only name laws we hope a run discovers; they never steer the search.
// ^ grows fast: on the tested values a ^ (b + c) soon passes the model's value size bound, so
// the conjecturer fingerprints such terms by the entries it can evaluate (see docs/logic.md).
theory peano_exp

sort N

const zero : N            notation "0"
function s : N -> N
function add : N, N -> N  infix "+" precedence 6 left
function mul : N, N -> N  infix "*" precedence 7 left      // also accepted as ·
function pow : N, N -> N  infix "^" precedence 8 right     // a ^ b ^ c = a ^ (b ^ c)
definition one : N := s(0)          notation "1"   // a definition: new constant + axiom one_def : one = s(0)

induction N : zero, s

axiom succ_ne_zero : forall n. s(n) != 0
axiom succ_inj     : forall a b. s(a) = s(b) -> a = b
axiom add_zero     : forall a. a + 0 = a
axiom add_succ     : forall a b. a + s(b) = s(a + b)
axiom mul_zero     : forall a. a * 0 = 0
axiom mul_succ     : forall a b. a * s(b) = a * b + a
axiom pow_zero     : forall a. a ^ 0 = 1
axiom pow_succ     : forall a b. a ^ s(b) = a ^ b * a

// ---------------------------------------------------------------- the arithmetic ^ needs
expect add_comm        : forall a b. a + b = b + a
expect add_assoc       : forall a b c. (a + b) + c = a + (b + c)
expect mul_comm        : ∀a b. a · b = b · a
expect mul_assoc       : ∀a b c. (a · b) · c = a · (b · c)
expect left_distrib    : ∀a b c. a · (b + c) = a · b + a · c

// ---------------------------------------------------------------- exponentiation
expect pow_one         : forall a. a ^ 1 = a
expect one_pow         : forall a. 1 ^ a = 1
expect pow_add         : forall a b c. a ^ (b + c) = a ^ b * a ^ c
expect mul_pow         : forall a b c. (a * b) ^ c = a ^ c * b ^ c
expect pow_mul         : forall a b c. (a ^ b) ^ c = a ^ (b * c)
