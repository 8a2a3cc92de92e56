; Commutativity of addition: needs the lemmas x + Z = x and x + S(y) = S(x + y),
; which the goal prover must discover by itself.
(declare-datatype Nat ((Z) (S (pred Nat))))
(define-fun-rec plus ((x Nat) (y Nat)) Nat
  (match x
    ((Z y)
     ((S n) (S (plus n y))))))
(prove (forall ((x Nat) (y Nat)) (= (plus x y) (plus y x))))
