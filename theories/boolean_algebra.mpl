// Boolean algebras from Huntington's 1904 postulates: commutativity, both distributive laws,
// identities and complements. No induction. De Morgan's laws are the stretch goal.
// The `expect` lines name laws we hope a run discovers; they never steer the search.
theory boolean_algebra

sort B

const zero : B            notation "0"
const one : B             notation "1"
function compl : B -> B                                     // the complement a'
function join : B, B -> B  infix "+" precedence 6 left
function meet : B, B -> B  infix "*" precedence 7 left      // also accepted as ·

axiom join_comm      : forall a b. a + b = b + a
axiom meet_comm      : forall a b. a * b = b * a
axiom join_distrib   : forall a b c. a + b * c = (a + b) * (a + c)
axiom meet_distrib   : forall a b c. a * (b + c) = a * b + a * c
axiom join_zero      : forall a. a + 0 = a
axiom meet_one       : forall a. a * 1 = a
axiom join_compl     : forall a. a + compl(a) = 1
axiom meet_compl     : forall a. a * compl(a) = 0

expect join_idem     : ∀a. a + a = a
expect meet_idem     : ∀a. a · a = a
expect join_one      : ∀a. a + 1 = 1
expect meet_zero     : ∀a. a · 0 = 0
expect absorb_join   : ∀a b. a + a · b = a
expect absorb_meet   : ∀a b. a · (a + b) = a
expect compl_compl   : ∀a. compl(compl(a)) = a
expect compl_zero    : compl(0) = 1
expect de_morgan_join: ∀a b. compl(a + b) = compl(a) · compl(b)
expect de_morgan_meet: ∀a b. compl(a · b) = compl(a) + compl(b)
