/* test_parser.c: table-driven tests of the grammar and of the AST. */
#include "support.h"

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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_ast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
