; Counting with an equality test written as a Bool function (IsaPlanner style); a lemma
; about == is needed (x == x), and a case split on the ite condition.
(declare-datatype Nat ((Z) (S (pred Nat))))
(declare-datatype list (par (a) ((nil) (cons (head a) (tail (list a))))))
(define-fun-rec == ((x Nat) (y Nat)) Bool
  (match x
    ((Z (match y ((Z true) ((S z) false))))
     ((S x2) (match y ((Z false) ((S y2) (== x2 y2))))))))
(define-fun-rec count ((x Nat) (y (list Nat))) Nat
  (match y
    ((nil Z)
     ((cons z ys) (ite (== x z) (S (count x ys)) (count x ys))))))
(prove (forall ((n Nat) (xs (list Nat))) (= (count n (cons n xs)) (S (count n xs)))))
