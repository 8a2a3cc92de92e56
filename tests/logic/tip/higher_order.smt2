; map with a lambda that mentions a variable of the goal: no first-order copy, reported as unsupported.
(declare-datatype list (par (a) ((nil) (cons (head a) (tail (list a))))))
(define-fun-rec map (par (a b) (((f (=> a b)) (xs (list a))) (list b)))
  (match xs
    ((nil (_ nil b))
     ((cons y ys) (cons (@ f y) (map f ys))))))
(prove (par (a) (forall ((z a) (xs (list a))) (= (map (lambda ((x a)) z) xs) xs))))
