; Higher-order, our own: filter with a predicate variable and with a lambda built from it.
; The importer makes it first-order: p becomes a fresh function p_fn, and filter gets one copy
; per functional argument (p_fn, and the lambda negating it).
(declare-datatype Nat ((Z) (S (pred Nat))))
(declare-datatype list (par (a) ((nil) (cons (head a) (tail (list a))))))
(define-fun-rec plus ((n Nat) (m Nat)) Nat
  (match n ((Z m) ((S k) (S (plus k m))))))
(define-fun-rec len (par (a) (((xs (list a))) Nat))
  (match xs ((nil Z) ((cons y ys) (S (len ys))))))
(define-fun-rec filter (par (a) (((keep (=> a Bool)) (xs (list a))) (list a)))
  (match xs
    ((nil (_ nil a))
     ((cons y ys) (ite (@ keep y) (cons y (filter keep ys)) (filter keep ys))))))
(prove (par (e)
  (forall ((p (=> e Bool)) (xs (list e)))
    (= (plus (len (filter p xs)) (len (filter (lambda ((x e)) (not (@ p x))) xs))) (len xs)))))
