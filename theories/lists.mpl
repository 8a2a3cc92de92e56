// Lists over an element sort, with the natural numbers for their length.
// Self-contained: the Peano part repeats what length needs (zero, s, +) rather than including it.
theory lists

sort N, Elem, List

const zero : N                notation "0"
function s : N -> N
function add : N, N -> N      infix "+" precedence 6 left

const nil : List              notation "[]"
function cons : Elem, List -> List
function append : List, List -> List  infix "++" precedence 5 right
function length : List -> N
function reverse : List -> List

induction N : zero, s
induction List : nil, cons

axiom add_zero    : forall a. a + 0 = a
axiom add_succ    : forall a b. a + s(b) = s(a + b)

axiom append_nil  : forall l. [] ++ l = l
axiom append_cons : forall e l m. cons(e, l) ++ m = cons(e, l ++ m)
axiom length_nil  : length([]) = 0
axiom length_cons : forall e l. length(cons(e, l)) = s(length(l))
axiom reverse_nil : reverse([]) = []
axiom reverse_cons: ∀e l. reverse(cons(e, l)) = reverse(l) ++ cons(e, [])

expect append_assoc   : forall x y z. (x ++ y) ++ z = x ++ (y ++ z)
expect length_append  : forall x y. length(x ++ y) = length(x) + length(y)
expect reverse_append : forall x y. reverse(x ++ y) = reverse(y) ++ reverse(x)
expect reverse_reverse: forall x. reverse(reverse(x)) = x
