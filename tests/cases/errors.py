"""Differential cases: which error wins when a program has several."""

from __future__ import annotations

from .case import NE, SE, Case, ce

CASES: list[Case] = [
    # ---------------------------------------------------------------- which error wins
    ce("lexical-error-wins", 'print(zz)\nprint("abc', SE, 2, 11),
    ce("lexical-error-wins-over-break", "break\nprint(1 @ 2)", SE, 2, 9),
    ce("grammar-error-wins", "print(zz)\nbreak\nprint(1 2)", SE, 3, 9),
    ce("grammar-error-in-fn-wins", "print(zz)\nfn f() {\n  return (1\n}", SE, 4, 1),
    ce("first-in-order-name", "print(yy)\nbreak", NE, 1, 7),
    ce("first-in-order-break", "break\nprint(yy)", SE, 1, 1),
    ce("first-in-order-redeclare", "let a = 1\nlet a = 2\nprint(zz)", SE, 2, 5),
    ce("first-in-order-fn-body", "fn f() {\n  return zz\n}\nlet a = 1\nlet a = 2", NE, 2, 10),
    ce("first-in-order-fn-body-later", "let a = 1\nlet a = 2\nfn f() {\n  return zz\n}", SE, 2, 5),
    ce("first-in-order-name-then-arity", "print(q)\nf(1)\nfn f() {\n}", NE, 1, 7),
    ce("first-in-order-arity-then-name", "f(1)\nprint(q)\nfn f() {\n}", SE, 1, 1),
    ce("first-in-order-name-then-dup-fn", "print(q)\nfn f() {\n}\nfn f() {\n}", NE, 1, 7),
]
