/*
 * fuzz_parse.c: the lexer and the parser on any bytes: source validation,
 * the token stream, and the syntax tree with Bison's error recovery.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 100000)
        return -1;
    Ctx c;
    fuzz_ctx(&c);
    int f = src_add_text(&c, "fuzz.bnn", (const char *)data, size);
    if (src_validate(&c, f)) {
        static int tokens[1 << 14];
        lex_tokens(&c, f, tokens, 1 << 14);
        Ast *a = parse_file(&c, f);
        if (a)
            ast_free(a);
    }
    ctx_free(&c);
    return 0;
}
