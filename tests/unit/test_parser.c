/* test_parser.c: table-driven tests of the grammar and of the AST. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *src;
    const char *error; /* NULL: must parse and check cleanly */
} Case;

#define NET(body) "bnn 1;\nnetwork n {\n input x : f32[8, 8, 4];\n" body "\n}\n"

static const Case cases[] = {
    {NET("output x;"), NULL},
    {NET("y = relu(x); output y;"), NULL},
    {NET("y = conv2d(x, filters = 8, kernel = (3, 1), stride = 2 - 1); output y;"), NULL},
    {NET("y = conv2d(x, filters = 2 * (3 + 1), kernel = 3, padding = same); output y;"), NULL},
    {NET("y = sign(relu(batchnorm(x))); output y, x;"), NULL},
    {"bnn 1;\nblock b(v, f) { w = conv2d(v, filters = f, kernel = 1); return w; }\n"
     "network n { input x : f32[8, 8, 4]; y = repeat 3 b(x, f = 4); output y; }", NULL},
    {"bnn 1;\ntarget t { clock = 1 GHz; memory { l1 { size = 1 KiB; } } }", NULL},
    {"bnn 1;\ntarget t { }\ntarget u : t { cores = 2; }", NULL},
    {"bnn 1;", NULL},
    /* Blocks of several values, dotted outputs. */
    {"bnn 1;\nblock b(v) { w = relu(v); return w, sign(w); }\n"
     "network n { input x : f32[4]; p, q = b(x); output p, q, p.v; }", NULL},
    {"bnn 1;\nblock b(v) { w = relu(v); return w; }\n"
     "network n { input x : f32[4]; r = repeat 2 b(x); output r.0.w, r.0.v; }", NULL},
    /* Errors. */
    {"", "empty input"},
    {"network n { }", "missing format version line"},
    {"bnn 2;", "unsupported format version 2"},
    {NET("y = relu(x) output y;"), "expected ';' before 'output'"},
    {NET("y = relu(x; output y;"), "expected ')' or ',' before ';'"},
    {"bnn 1;\nnetwork n { input x : f32[4];", "expected '}' before end of file"},
    {NET("y = = x;"), "expected name or 'repeat' before '='"},
    {NET("output;"), "expected name before ';'"},
    {NET("input y : f32[];"), "expected integer before ']'"},
    {NET("y = repeat conv2d(x); output y;"), "'repeat' needs a count: 'repeat N conv2d(...)'"},
    {"bnn 1; network { }", "expected name before '{'"},
    {"bnn 1; import foo;", "expected string before name 'foo'"},
    {"bnn 1; $", "invalid character '$'"},
    {NET("p, = relu(x);"), "expected name before '='"},
    {NET("p q = relu(x);"), "expected ',' or '=' before name 'q'"},
    {NET("output x..y;"), "expected name or integer before '.'"},
    {NET("output 1.y;"), "expected name before number '1'"},
    {"bnn 1; block b(v) { return v, ; }", "expected name or 'repeat' before ';'"},
    {"bnn 1; block b(v) { return v, v; }\nnetwork n { input x : f32[4]; y = relu(b(x)); }",
     "t.bnn:2:40: error: block 'b' returns 2 values, but one is expected here"},
    {"bnn 1; block b(v) { return v, v; }\nnetwork n { input x : f32[4]; p, q, r = b(x); }",
     "block 'b' returns 2 values, but 3 names are given"},
    {"bnn 1; block b(v) { return v, v; }\nnetwork n { input x : f32[4]; y = repeat 2 b(x); }",
     "'repeat' needs a block that returns one value; 'b' returns 2"},
    {NET("s = relu(x); output s.y;"), "'s' is not the value of a block call"},
};

static void test_cases(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Run r;
        run_source(&r, cases[i].src);
        if (!cases[i].error && !r.ok)
            fail_msg("case %zu should pass:\n%s\n--\n%s", i, cases[i].src, r.diag);
        if (cases[i].error && (r.ok || !strstr(r.diag, cases[i].error)))
            fail_msg("case %zu: want \"%s\", got:\n%s", i, cases[i].error, r.diag);
        run_free(&r);
    }
}

/* Error recovery: one run reports every broken statement. */
static void test_recovery(void **state) {
    (void)state;
    Run r;
    run_source(&r, NET("a = relu(x) b = relu(x);\n c = relu(x;\n d = = x;\n output x;"));
    assert_false(r.ok);
    assert_int_equal(r.c.errors, 3);
    assert_non_null(strstr(r.diag, "t.bnn:4:12:"));
    assert_non_null(strstr(r.diag, "t.bnn:5:12:"));
    assert_non_null(strstr(r.diag, "t.bnn:6:6:"));
    run_free(&r);
}

/* The tree built for a small file. */
static void test_ast(void **state) {
    (void)state;
    Ctx c;
    ctx_init(&c);
    const char *src = "bnn 1;\nimport \"std/targets\";\n"
                      "network n { input x : u8[2, 3, 4]; y = dense(flatten(x), units = 5);"
                      " output y; }\n"
                      "target t : base { clock = 1.5 GHz; cost { xnor = 2 cycles; } }\n";
    int f = src_add_text(&c, "t.bnn", src, strlen(src));
    Ast *a = parse_file(&c, f);
    assert_non_null(a);
    assert_int_equal(c.errors, 0);
    assert_int_equal(a->kind, AST_FILE);
    assert_int_equal(a->ival, 1);
    assert_int_equal(a->nkids, 3);
    assert_int_equal(a->kids[0]->kind, AST_IMPORT);
    assert_string_equal(a->kids[0]->name, "std/targets");
    Ast *net = a->kids[1];
    assert_int_equal(net->kind, AST_NETWORK);
    assert_string_equal(net->name, "n");
    assert_int_equal(net->nkids, 3);
    Ast *in = net->kids[0];
    assert_int_equal(in->kind, AST_INPUT);
    assert_string_equal(in->name2, "u8");
    assert_int_equal(in->nkids, 3);
    assert_int_equal(in->kids[2]->ival, 4);
    Ast *as = net->kids[1];
    assert_int_equal(as->kind, AST_ASSIGN);
    Ast *call = as->kids[0];
    assert_int_equal(call->kind, AST_CALL);
    assert_string_equal(call->name, "dense");
    assert_int_equal(call->nkids, 2);
    assert_int_equal(call->kids[0]->kind, AST_CALL);
    assert_int_equal(call->kids[1]->kind, AST_NAMED);
    assert_string_equal(call->kids[1]->name, "units");
    assert_int_equal(call->kids[1]->kids[0]->ival, 5);
    Ast *t = a->kids[2];
    assert_int_equal(t->kind, AST_TARGET);
    assert_string_equal(t->name2, "base");
    assert_int_equal(t->kids[0]->kind, AST_PROP);
    assert_true(t->kids[0]->kids[0]->rval == 1.5);
    assert_string_equal(t->kids[0]->kids[0]->name, "GHz");
    assert_int_equal(t->kids[1]->kind, AST_SECTION);
    assert_string_equal(t->kids[1]->name, "cost");
    /* Locations: the call 'dense' at line 3, column 40. */
    assert_int_equal(call->loc.line, 3);
    assert_int_equal(call->loc.col, 40);
    ast_free(a);
    ctx_free(&c);
}

/* 'p, q = b(x)', 'return a, b;' and a dotted output, as trees. */
static void test_ast_multi(void **state) {
    (void)state;
    Ctx c;
    ctx_init(&c);
    const char *src = "bnn 1;\nblock b(v) { return v, relu(v); }\n"
                      "network n { input x : f32[4]; p, q = b(x); output p, s2.0.y_1; }\n";
    int f = src_add_text(&c, "t.bnn", src, strlen(src));
    Ast *a = parse_file(&c, f);
    assert_non_null(a);
    assert_int_equal(c.errors, 0);
    Ast *ret = a->kids[0]->kids[1];
    assert_int_equal(ret->kind, AST_RETURN);
    assert_int_equal(ret->nkids, 2);
    assert_int_equal(ret->kids[0]->kind, AST_NAME);
    assert_int_equal(ret->kids[1]->kind, AST_CALL);
    assert_int_equal(ret->loc.col, 14); /* the keyword */
    Ast *un = a->kids[1]->kids[1];
    assert_int_equal(un->kind, AST_UNPACK);
    assert_int_equal(un->nkids, 3);
    assert_int_equal(un->kids[0]->kind, AST_CALL);
    assert_string_equal(un->kids[0]->name, "b");
    assert_string_equal(un->kids[1]->name, "p");
    assert_string_equal(un->kids[2]->name, "q");
    assert_int_equal(un->kids[2]->loc.col, 34);
    assert_string_equal(ast_kind_name(un->kind), "unpack");
    Ast *out = a->kids[1]->kids[2];
    assert_int_equal(out->kind, AST_OUTPUT);
    assert_string_equal(out->kids[1]->name, "s2.0.y_1");
    /* The dotted name's location spans its parts. */
    assert_int_equal(out->kids[1]->loc.col, 54);
    assert_int_equal(out->kids[1]->loc.end_col, 62);
    ast_free(a);
    ctx_free(&c);
}

/* Where `what` first occurs in the messages, failing if it does not. */
static size_t pos_of(const Run *r, const char *what) {
    const char *p = r->diag ? strstr(r->diag, what) : NULL;
    if (!p)
        fail_msg("no \"%s\" in:\n%s", what, r->diag ? r->diag : "");
    return (size_t)(p - r->diag);
}

/* A missing version line is reported, and the checks go on: the load
 * succeeds, sema reports the rest and fails; a version line out of place
 * likewise. Another version stops the file at its first line. */
static void test_version_soft(void **state) {
    (void)state;
    const char *src = "network n { input x : f32[4]; y = relu(x); }\n"
                      "network m { input x : f32[4]; y = relux(x); output y; }\n";
    Run r;
    memset(&r, 0, sizeof r);
    ctx_init(&r.c);
    r.c.color = false;
    r.err = open_memstream(&r.diag, &r.diag_len);
    r.c.err = r.err;
    assert_true(load_source(&r.c, "t.bnn", src));
    assert_int_equal(r.c.soft_errors, 1);
    assert_false(sema_run(&r.c, &r.m));
    fflush(r.err);
    assert_int_equal(r.c.errors, 3);
    assert_true(pos_of(&r, "t.bnn:1:1: error: missing format version line") <
                pos_of(&r, "t.bnn:1:9: error: network 'n' has no 'output'"));
    assert_true(pos_of(&r, "t.bnn:1:9:") < pos_of(&r, "t.bnn:2:35: error: unknown operation"));
    run_free(&r);

    /* Misplaced: the imports are still read, once. */
    run_source(&r, "import \"std/targets\";\nbnn 1;\nnetwork n { input x : f32[4]; }\n");
    assert_false(r.ok);
    assert_int_equal(r.c.errors, 2);
    assert_true(pos_of(&r, "t.bnn:1:1: error: the format version line 'bnn 1;' must come first") <
                pos_of(&r, "t.bnn:3:9: error: network 'n' has no 'output'"));
    run_free(&r);

    /* A second version line. */
    run_source(&r, "bnn 1;\nbnn 1;\nnetwork n { input x : f32[4]; output x; }\n");
    assert_false(r.ok);
    assert_int_equal(r.c.errors, 1);
    assert_int_equal(r.c.soft_errors, 1);
    pos_of(&r, "t.bnn:2:1: error: a second format version line");
    run_free(&r);

    /* Another version: nothing after its line is read. */
    run_source(&r, "bnn 2;\nnetwork n { y <- $ ; }\n");
    assert_false(r.ok);
    assert_int_equal(r.c.errors, 1);
    assert_int_equal(r.c.soft_errors, 0);
    pos_of(&r, "t.bnn:1:5: note: the rest of the file is not checked");
    run_free(&r);
}

/* Held diagnostics come out in line order, each error with its notes;
 * only the first BNNC_MAX_ERRORS in that order are held and printed, the
 * rest counted, however many come and in whatever order. */
static void test_diag_order(void **state) {
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *e = open_memstream(&text, &len);
    Ctx c;
    ctx_init(&c);
    c.color = false;
    c.err = e;
    char src[4096] = "";
    for (int i = 1; i <= 40; i++)
        snprintf(src + strlen(src), sizeof src - strlen(src), "line %d\n", i);
    int f = src_add_text(&c, "o.bnn", src, strlen(src));
    diag_defer(&c);
    for (int i = 40; i >= 1; i--) {
        diag_error(&c, (Loc){f, i, 1, i, 2}, "error %d", i);
        diag_note(&c, (Loc){f, 41 - i, 1, 41 - i, 2}, "note of %d", i);
        assert_true(c.held.errors <= BNNC_MAX_ERRORS);
        assert_true(c.held.n <= BNNC_MAX_ERRORS);
    }
    diag_error(&c, (Loc){f, 3, 1, 3, 2}, "error 3b"); /* after 'error 3' */
    diag_flush(&c);
    diag_error(&c, (Loc){f, 1, 1, 1, 2}, "late"); /* past the limit: not printed */
    fflush(e);
    assert_int_equal(c.errors, 42);
    assert_int_equal(c.shown, BNNC_MAX_ERRORS);
    /* error 1, its note, error 2, ..., error 3, error 3b, ..., error 19. */
    const char *p = text;
    for (int i = 1; i <= 19; i++) {
        char want[64];
        snprintf(want, sizeof want, "o.bnn:%d:1: error: error %d\n", i, i);
        const char *q = strstr(p, want);
        if (!q)
            fail_msg("no \"%s\" after offset %td in:\n%s", want, p - text, text);
        snprintf(want, sizeof want, "o.bnn:%d:1: note: note of %d\n", 41 - i, i);
        assert_non_null(strstr(q, want));
        p = q + 1;
        if (i == 3) { /* held after the first error at its place */
            p = strstr(p, "o.bnn:3:1: error: error 3b\n");
            assert_non_null(p);
        }
    }
    assert_null(strstr(text, "error 20"));
    assert_null(strstr(text, "late"));
    const char *stop = "bnnc: too many errors (20); stopping\n";
    p = strstr(text, stop);
    assert_non_null(p);
    assert_null(strstr(p + strlen(stop), "too many errors")); /* once */
    fclose(e);
    free(text);
    ctx_free(&c);
}

/* A chain of notes: all of five; of six, three, a line, the last. */
static void test_chain(void **state) {
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *e = open_memstream(&text, &len);
    Ctx c;
    ctx_init(&c);
    c.color = false;
    c.err = e;
    for (int i = 0; i < 5; i++)
        assert_true(diag_chain_note(&c, i, 5, "steps"));
    bool want[6] = {true, true, true, false, false, true};
    for (int i = 0; i < 6; i++)
        assert_int_equal(diag_chain_note(&c, i, 6, "steps"), want[i]);
    fflush(e);
    assert_string_equal(text, "bnnc: note: [ skipping 2 steps ]\n");
    fclose(e);
    free(text);
    ctx_free(&c);
}

/* An import cycle through seven files: three imports, the last, and a
 * line for those between. */
static void test_import_cycle_chain(void **state) {
    (void)state;
    for (int i = 0; i < 7; i++) {
        char body[128], name[32];
        snprintf(body, sizeof body, "bnn 1;\nimport \"cyc%d\";\n", (i + 1) % 7);
        snprintf(name, sizeof name, "cyc%d.bnn", i);
        write_bytes(tmp_path(name), body, strlen(body));
    }
    Run r;
    run_file(&r, tmp_path("cyc0.bnn"), false);
    assert_false(r.ok);
    assert_int_equal(r.c.errors, 1);
    pos_of(&r, "error: import cycle");
    pos_of(&r, "bnnc: note: [ skipping 2 imports ]");
    const char *p = r.diag;
    int notes = 0;
    while ((p = strstr(p, "note: through this import")))
        notes++, p++;
    assert_int_equal(notes, 4);
    run_free(&r);
    tmp_cleanup();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_ast),
        cmocka_unit_test(test_ast_multi),
        cmocka_unit_test(test_version_soft),
        cmocka_unit_test(test_diag_order),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_import_cycle_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
