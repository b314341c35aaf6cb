"""Differential cases: the grammar, lexical rules, and positions and layout of statements."""

from __future__ import annotations

from .case import NE, SE, Case, ce, ok

CASES: list[Case] = [
    # ---------------------------------------------------------------- grammar
    ce("bad-type-name", "fn f(x: number) {\n}", SE, 1, 9),
    ce("null-is-not-a-type", "let x: null = null", SE, 1, 8),
    ce("keyword-as-name", "let if = 1", SE, 1, 5),
    ce("let-without-name", "let = 5", SE, 1, 5),
    ce("assign-to-literal", "1 = 2", SE, 1, 3),
    ce("assign-to-call", "fn f() {\n}\nf() = 1", SE, 3, 5),
    ce("trailing-comma-call", "print(1,)", SE, 1, 9),
    ce("trailing-comma-list", "print([1, 2,])", SE, 1, 13),
    ce("call-parenthesised-name", "fn f(x) {\n  return x\n}\nprint((f)(1))", SE, 4, 10),
    ce("call-call-result", "fn f(x) {\n  return x\n}\nprint(f(1)(2))", SE, 4, 11),
    ce("call-index-result", "let a = [1]\na[0](1)", SE, 2, 5),
    ce("if-block-then-statement", "let c = 1\nlet a = 2\nlet b = 3\nif c { a } b", SE, 4, 12),
    ce("while-block-then-statement", "while false { } print(1)", SE, 1, 17),
    ce("fn-block-then-statement", "fn f() { } f()", SE, 1, 12),
    ce("two-statements-one-line", "print(1) print(2)", SE, 1, 10),
    ce("newline-ends-expression", "let a = 1\n+ 2", SE, 2, 1),
    ok("newline-then-unary-minus-statement", "let a = 1\n- 2\nprint(a)", "1"),
    # ---------------------------------------------------------------- lexical
    ce("unknown-character", "print(1 @ 2)", SE, 1, 9),
    ce("unterminated-string-at-eof", 'print("abc', SE, 1, 11),
    ce("unterminated-string-at-newline", 'print("abc\nprint(1)', SE, 1, 11),
    ce("unterminated-single-quoted", "print(1)\nlet s = 'ab", SE, 2, 12),
    ce("unknown-escape", r'print("a\qb")', SE, 1, 9),
    ce("escaped-newline", 'print("a\\\nb")', SE, 1, 9),
    ce("float-trailing-dot", "print(1.)", SE, 1, 8),
    ce("float-leading-dot", "print(.5)", SE, 1, 7),
    ce("float-bare-exponent", "print(1e)", SE, 1, 8),
    ce("non-ascii-identifier", "let é = 1", SE, 1, 5),
    # ---------------------------------------------------------------- positions and layout
    ce("col-tab-is-one", "\tprint(zz)", NE, 1, 8),
    ce("col-counts-code-points", 'print("héllo", zz)', NE, 1, 16),
    ce("crlf-line-numbers", "print(1)\r\nprint(zz)\r\n", NE, 2, 7),
    ce("comment-lines-counted", "print(1) # fine\n# also fine\n  zz", NE, 3, 3),
    ok("crlf-runs", "let a = 1\r\nprint(a)\r\n", "1"),
    ok("bom-ignored", "\ufeffprint(1)", "1"),
    ok("semicolons-and-empty-statements", ";;print(1);;;print(2);", "1", "2"),
    ok("statement-ends-before-brace", "if true { print(1); print(2) }", "1", "2"),
    ok("newlines-inside-parens", "print(1,\n  2,\n  3 +\n  4)", "1 2 7"),
    ok("newlines-inside-brackets", "let a = [\n  1,\n  [2,\n   3]\n]\nprint(a)", "[1, [2, 3]]"),
    ok("newlines-inside-index", "let a = [5, 6]\nprint(a[\n1\n])", "6"),
    ok(
        "else-after-blank-lines-and-comments",
        "if false {\n  print(1)\n}\n\n# comment\n\nelif true {\n  print(2)\n}\n# another\n\n"
        "else {\n  print(3)\n}",
        "2",
    ),
    ok(
        "else-in-fn-after-comment",
        'fn f(x) {\n  if x {\n    return "yes"\n  }\n  # otherwise\n'
        '  else {\n    return "no"\n  }\n}\n'
        "print(f(1), f(0))",
        "yes no",
    ),
    ok(
        "elif-chain-one-line",
        'fn sign(n) {\n  if n < 0 { return "neg" } elif n == 0 { return "zero" }'
        ' else { return "pos" }\n}\n'
        "print(sign(-3), sign(0), sign(9))",
        "neg zero pos",
    ),
    ok("else-same-line", "if 0 { print(1) } else { print(2) }", "2"),
    ok("comments-and-blank-lines", "# a\n\n   # b\nprint(1) # c\n", "1"),
    ok("empty-program", ""),
    ok("only-a-comment", "# nothing here\n"),
    ok("compact-block", "if true {print(1)}", "1"),
]
