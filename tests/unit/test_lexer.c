/* test_lexer.c: table-driven tests of the scanner. */
#include "support.h"

#include <string.h>

#include "parser.h"

typedef struct {
    const char *src;
    int tokens[16]; /* ends with 0 */
    const char *error; /* expected message, or NULL */
} Case;

static const Case cases[] = {
    {"bnn 1;", {KW_BNN, INT, ';'}, NULL},
    {"network block target import input output return repeat",
     {KW_NETWORK, KW_BLOCK, KW_TARGET, KW_IMPORT, KW_INPUT, KW_OUTPUT, KW_RETURN, KW_REPEAT},
     NULL},
    {"f32 i32 u8 b1 f64", {TYPE, TYPE, TYPE, TYPE, IDENT}, NULL},
    {"cortex-a53 a-b-c x_1 _y", {IDENT, IDENT, IDENT, IDENT}, NULL},
    {"a - b", {IDENT, '-', IDENT}, NULL},
    {"a-", {IDENT, '-'}, NULL},
    {"1.2 GHz 3.6 GB/s 120 ns", {REAL, IDENT, REAL, IDENT, INT, IDENT}, NULL},
    {"1e3 2.5e-3 7", {REAL, REAL, INT}, NULL},
    {"# comment\n x /* block\n comment */ y", {IDENT, IDENT}, NULL},
    {"\"std/targets\" \"a\\\"b\"", {STRING, STRING}, NULL},
    {"{ } ( ) [ ] , ; : = + - * /", {'{', '}', '(', ')', '[', ']', ',', ';', ':', '=', '+', '-', '*', '/'}, NULL},
    {"@", {INVALID}, NULL},
    {"x \xc3\xa9 y", {IDENT, INVALID, IDENT}, NULL},
    {"x \"never closed", {IDENT}, "unterminated string"},
    {"/* never closed", {0}, "unterminated comment"},
    {"99999999999999999999", {INT}, "integer is too large"},
    {"1e999", {REAL}, "number is too large"},
    {"\"\\q\"", {STRING}, "unknown escape sequence '\\q'"},
};

static void test_cases(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const Case *k = &cases[i];
        Run r;
        memset(&r, 0, sizeof r);
        ctx_init(&r.c);
        r.err = open_memstream(&r.diag, &r.diag_len);
        r.c.err = r.err;
        int f = src_add_text(&r.c, "t.bnn", k->src, strlen(k->src));
        int got[64];
        int n = lex_tokens(&r.c, f, got, 64);
        fflush(r.err);
        int want = 0;
        while (want < 16 && k->tokens[want])
            want++;
        if (n != want)
            fail_msg("case %zu \"%s\": %d tokens, want %d", i, k->src, n, want);
        for (int t = 0; t < n; t++)
            if (got[t] != k->tokens[t])
                fail_msg("case %zu \"%s\": token %d is %d, want %d", i, k->src, t, got[t],
                         k->tokens[t]);
        if (k->error && !strstr(r.diag, k->error))
            fail_msg("case %zu: want error \"%s\", got \"%s\"", i, k->error, r.diag);
        if (!k->error && r.diag_len)
            fail_msg("case %zu: unexpected message \"%s\"", i, r.diag);
        run_free(&r);
    }
}

static void test_locations(void **state) {
    (void)state;
    /* Columns count characters, not bytes: 'é' is one column. */
    Run r;
    run_source(&r, "bnn 1;\n# é\nnetwork n { input x : f32[4]; y = relu(x) output y; }\n");
    assert_false(r.ok);
    assert_non_null(strstr(r.diag, "t.bnn:3:42: error: expected ';'"));
    run_free(&r);
    run_source(&r, "bnn 1; /* é */ @");
    assert_non_null(strstr(r.diag, "t.bnn:1:16: error: invalid character '@'"));
    run_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_locations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
