/*
 * ast.c: the syntax tree built by the parser.
 *
 * One generic node type (kind, location, up to two names, a number, and
 * children) keeps the grammar actions short. Nodes are malloc-owned, not
 * arena-owned, because Bison discards partial trees during error recovery:
 * its %destructor calls ast_free, and ASan/valgrind runs of the bad-input
 * tests prove that nothing leaks on the error paths.
 */
#include "bnnc.h"

#include <stdlib.h>

Ast *ast_new(AstKind k, Loc loc) {
    Ast *a = xmalloc(sizeof *a);
    *a = (Ast){.kind = k, .loc = loc};
    return a;
}

Ast *ast_add(Ast *p, Ast *kid) {
    if (!kid)
        return p;
    if (p->nkids == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->kids = xrealloc(p->kids, (size_t)p->cap * sizeof(Ast *));
    }
    p->kids[p->nkids++] = kid;
    return p;
}

void ast_free(Ast *a) {
    if (!a)
        return;
    for (int i = 0; i < a->nkids; i++)
        ast_free(a->kids[i]);
    free(a->kids);
    free(a->name);
    free(a->name2);
    free(a);
}

const char *ast_kind_name(AstKind k) {
    static const char *const names[] = {
        "file", "import", "network", "block", "params", "target", "prop",
        "section", "input", "assign", "output", "return", "call", "named",
        "repeat", "name", "int", "real", "string", "tuple", "binop", "neg", "version",
        "unpack",
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}
