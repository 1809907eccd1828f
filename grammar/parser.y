/*
 * parser.y: the grammar of the .bnn language (docs/language.md, section 8).
 *
 * A pure Bison parser with locations. It builds the AST (ast.c) and
 * nothing else: names, operations, units and shapes are checked later, in
 * sema, where the whole program is known. Errors are reported by
 * yyreport_syntax_error with the tokens that were expected; for a missing
 * closing bracket a note points at the bracket it should close. Error
 * productions in statements let one run report several errors. Every
 * semantic type has a %destructor so that error recovery leaks nothing.
 */
%define api.pure full
%define api.location.type {Loc}
%define parse.error custom
%locations
%expect 0
%param {yyscan_t scanner}

%code requires {
#include "lexstate.h"
typedef void *yyscan_t;
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                  \
    do {                                                             \
        if (N) {                                                     \
            (Cur).file = YYRHSLOC(Rhs, 1).file;                      \
            (Cur).line = YYRHSLOC(Rhs, 1).line;                      \
            (Cur).col = YYRHSLOC(Rhs, 1).col;                        \
            (Cur).end_line = YYRHSLOC(Rhs, N).end_line;              \
            (Cur).end_col = YYRHSLOC(Rhs, N).end_col;                \
        } else {                                                     \
            (Cur).file = YYRHSLOC(Rhs, 0).file;                      \
            (Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line; \
            (Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col;    \
        }                                                            \
    } while (0)
}

%code {
#include <stdlib.h>
#include <string.h>

LexState *yyget_extra(yyscan_t scanner);
static void yyerror(YYLTYPE *loc, yyscan_t scanner, const char *msg);
#define ST (yyget_extra(scanner))

/* An error after which checking goes on: the file is read as version 1
 * (load_ goes on to its imports and sema; sema_run then fails). */
__attribute__((format(printf, 3, 4)))
static void soft_error(Ctx *c, Loc loc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(c, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
    c->soft_errors++;
}

/* The format version line must come first, once, and say version 1.
 * Version items are checked here and dropped from the tree. A missing,
 * misplaced or repeated line is a soft error: the file is checked on as
 * version 1. Another version stops the file at its first line (the
 * parser calls this as soon as it has read it): a file of another version
 * may be another language, whose every line would be a false error. */
static void check_version(LexState *st, Ast *root) {
    Ctx *c = st->c;
    if (root->nkids == 0) {
        if (st->first.line == 0 && !st->fatal)
            diag_error(c, (Loc){st->file, 1, 1, 1, 1},
                       "empty input: expected the format version line 'bnn %d;'",
                       BNNC_LANG_VERSION);
        return;
    }
    Ast *first = NULL;
    int k = 0;
    for (int i = 0; i < root->nkids; i++) {
        Ast *a = root->kids[i];
        if (a->kind != AST_VERSION) {
            root->kids[k++] = a;
            continue;
        }
        if (!first) {
            first = a;
            root->ival = a->ival;
            if (i > 0 && a->ival == BNNC_LANG_VERSION) {
                soft_error(c, st->first, "the format version line 'bnn %d;' must come first",
                           BNNC_LANG_VERSION);
                diag_note(c, a->kw, "it is here");
            } else if (i > 0) {
                diag_error(c, st->first, "the format version line 'bnn %d;' must come first",
                           BNNC_LANG_VERSION);
                diag_note(c, a->kw, "it is here, and says version %lld", (long long)a->ival);
            } else if (a->ival != BNNC_LANG_VERSION) {
                diag_error(c, a->loc, "unsupported format version %lld: this bnnc reads version %d",
                           (long long)a->ival, BNNC_LANG_VERSION);
                diag_note(c, a->loc, "the rest of the file is not checked");
            }
            continue;
        }
        soft_error(c, a->kw, "a second format version line");
        diag_note(c, first->kw, "the first is here");
        ast_free(a);
    }
    root->nkids = k;
    if (first)
        ast_free(first);
    else if (st->first.line > 0)
        soft_error(c, st->first,
                   "missing format version line: a .bnn file starts with 'bnn %d;'",
                   BNNC_LANG_VERSION);
}

static Ast *leaf(AstKind k, Loc loc, char *name) {
    Ast *a = ast_new(k, loc);
    a->name = name;
    return a;
}
}

%union {
    Ast *node;
    char *str;
    int64_t ival;
    double rval;
}

%token <str> IDENT "name"
%token <str> STRING "string"
%token <str> TYPE "element type"
%token <str> INVALID "invalid character"
%token <ival> INT "integer"
%token <rval> REAL "number"
%token KW_BNN "'bnn'" KW_IMPORT "'import'" KW_NETWORK "'network'"
%token KW_BLOCK "'block'" KW_TARGET "'target'" KW_INPUT "'input'"
%token KW_OUTPUT "'output'" KW_RETURN "'return'" KW_REPEAT "'repeat'"
%token END 0 "end of file"

%type <node> items item network block target stmts stmt dims names
%type <node> params value call args arg expr count tstmts tstmt
%type <node> parent tuple values path paths

%destructor { ast_free($$); } <node>
%destructor { free($$); } <str>

%left '+' '-'
%left '*' '/'
%precedence NEG

%%

file
    : items                 { ST->root = $1; check_version(ST, $1); }
    ;

items
    : %empty                { $$ = ast_new(AST_FILE, @$); }
    | items item            {
        $$ = ast_add($1, $2);
        /* A first line of another version: read no further (the parser
         * has not read past its ';': the reductions are default ones). */
        if ($$->nkids == 1 && $2 && $2->kind == AST_VERSION && $2->ival != BNNC_LANG_VERSION) {
            ST->root = $$;
            check_version(ST, $$);
            YYACCEPT;
        }
    }
    ;

item
    : KW_IMPORT STRING ';'  { $$ = leaf(AST_IMPORT, @2, $2); }
    | KW_BNN INT ';'        { $$ = ast_new(AST_VERSION, @2); $$->ival = $2; $$->kw = @1; }
    | network
    | block
    | target
    | error ';'             { $$ = NULL; }
    | error '}'             { $$ = NULL; }
    ;

network
    : KW_NETWORK IDENT '{' stmts '}'  { $$ = $4; $$->kind = AST_NETWORK; $$->name = $2; $$->loc = @2; }
    ;

block
    : KW_BLOCK IDENT '(' params ')' '{' stmts '}' {
        $$ = ast_new(AST_BLOCK, @2);
        $$->name = $2;
        ast_add($$, $4);
        for (int i = 0; i < $7->nkids; i++)
            ast_add($$, $7->kids[i]);
        $7->nkids = 0;
        ast_free($7);
    }
    ;

params
    : %empty                { $$ = ast_new(AST_PARAMS, @$); }
    | names                 { $$ = $1; $$->kind = AST_PARAMS; }
    ;

names
    : IDENT                 { $$ = ast_add(ast_new(AST_OUTPUT, @1), leaf(AST_NAME, @1, $1)); }
    | names ',' IDENT       { $$ = ast_add($1, leaf(AST_NAME, @3, $3)); }
    ;

stmts
    : %empty                { $$ = ast_new(AST_NETWORK, @$); }
    | stmts stmt            { $$ = ast_add($1, $2); }
    ;

stmt
    : KW_INPUT IDENT ':' TYPE '[' dims ']' ';' {
        $$ = $6;
        $$->kind = AST_INPUT;
        $$->name = $2;
        $$->name2 = $4;
        $$->loc = @2;
        $$->kw = @1;
    }
    | IDENT '=' value ';'   { $$ = ast_add(leaf(AST_ASSIGN, @1, $1), $3); }
    | IDENT ',' names '=' value ';' {
        /* p, q = call(...): kids[0] the value, then the names in order. */
        $$ = ast_add(ast_new(AST_UNPACK, @1), $5);
        ast_add($$, leaf(AST_NAME, @1, $1));
        for (int i = 0; i < $3->nkids; i++)
            ast_add($$, $3->kids[i]);
        $3->nkids = 0;
        ast_free($3);
        $$->kw = @4;
    }
    | KW_OUTPUT paths ';'   { $$ = $2; $$->loc = @1; $$->kw = @1; }
    | KW_RETURN values ';'  { $$ = $2; $$->loc = @1; }
    | error ';'             { $$ = NULL; }
    ;

values
    : value                 { $$ = ast_add(ast_new(AST_RETURN, @1), $1); }
    | values ',' value      { $$ = ast_add($1, $3); }
    ;

/* An output: a name, or the dotted name of a value inside a block call
 * (s1.y, s2.0.y after a repeat). */
paths
    : path                  { $$ = ast_add(ast_new(AST_OUTPUT, @1), $1); }
    | paths ',' path        { $$ = ast_add($1, $3); }
    ;

path
    : IDENT                 { $$ = leaf(AST_NAME, @1, $1); }
    | path '.' IDENT        {
        $$ = $1;
        char *n = xmalloc(strlen($1->name) + strlen($3) + 2);
        sprintf(n, "%s.%s", $1->name, $3);
        free($1->name);
        free($3);
        $$->name = n;
        $$->loc = @$;
    }
    | path '.' INT          {
        $$ = $1;
        char *n = xmalloc(strlen($1->name) + 24);
        sprintf(n, "%s.%lld", $1->name, (long long)$3);
        free($1->name);
        $$->name = n;
        $$->loc = @$;
    }
    ;

dims
    : INT                   { Ast *d = ast_new(AST_INT, @1); d->ival = $1; $$ = ast_add(ast_new(AST_INPUT, @1), d); }
    | dims ',' INT          { Ast *d = ast_new(AST_INT, @3); d->ival = $3; $$ = ast_add($1, d); }
    ;

value
    : call
    | IDENT                 { $$ = leaf(AST_NAME, @1, $1); }
    | KW_REPEAT count call  { $$ = ast_add(ast_add(ast_new(AST_REPEAT, @1), $2), $3); }
    | KW_REPEAT call        {
        diag_error(ST->c, @1, "'repeat' needs a count: 'repeat N %s(...)'", $2->name);
        $$ = $2;
    }
    ;

count
    : INT                   { $$ = ast_new(AST_INT, @1); $$->ival = $1; }
    | IDENT                 { $$ = leaf(AST_NAME, @1, $1); }
    | '(' expr ')'          { $$ = $2; }
    ;

call
    : IDENT '(' ')'         { $$ = leaf(AST_CALL, @1, $1); }
    | IDENT '(' args ')'    { $$ = $3; $$->name = $1; $$->loc = @1; }
    ;

args
    : arg                   { $$ = ast_add(ast_new(AST_CALL, @1), $1); }
    | args ',' arg          { $$ = ast_add($1, $3); }
    ;

arg
    : value
    | IDENT '=' expr        { $$ = ast_add(leaf(AST_NAMED, @1, $1), $3); }
    ;

expr
    : INT                   { $$ = ast_new(AST_INT, @1); $$->ival = $1; }
    | INT IDENT             { $$ = leaf(AST_INT, @$, $2); $$->ival = $1; }
    | REAL                  { $$ = ast_new(AST_REAL, @1); $$->rval = $1; }
    | REAL IDENT            { $$ = leaf(AST_REAL, @$, $2); $$->rval = $1; }
    | IDENT                 { $$ = leaf(AST_NAME, @1, $1); }
    | STRING                { $$ = leaf(AST_STRING, @1, $1); }
    | '(' expr ')'          { $$ = $2; }
    | '(' tuple ')'         { $$ = $2; $$->loc = @$; }
    | '-' expr %prec NEG    { $$ = ast_add(ast_new(AST_NEG, @$), $2); }
    | expr '+' expr         { $$ = ast_add(ast_add(ast_new(AST_BINOP, @$), $1), $3); $$->ival = '+'; }
    | expr '-' expr         { $$ = ast_add(ast_add(ast_new(AST_BINOP, @$), $1), $3); $$->ival = '-'; }
    | expr '*' expr         { $$ = ast_add(ast_add(ast_new(AST_BINOP, @$), $1), $3); $$->ival = '*'; }
    | expr '/' expr         { $$ = ast_add(ast_add(ast_new(AST_BINOP, @$), $1), $3); $$->ival = '/'; }
    ;

tuple
    : expr ',' expr         { $$ = ast_add(ast_add(ast_new(AST_TUPLE, @$), $1), $3); }
    | tuple ',' expr        { $$ = ast_add($1, $3); }
    ;

target
    : KW_TARGET IDENT parent '{' tstmts '}' {
        $$ = $5;
        $$->kind = AST_TARGET;
        $$->name = $2;
        $$->loc = @2;
        if ($3) {
            $$->name2 = $3->name;
            $$->kw = $3->loc;
            $3->name = NULL;
            ast_free($3);
        }
    }
    ;

parent
    : %empty                { $$ = NULL; }
    | ':' IDENT             { $$ = leaf(AST_NAME, @2, $2); }
    ;

tstmts
    : %empty                { $$ = ast_new(AST_SECTION, @$); }
    | tstmts tstmt          { $$ = ast_add($1, $2); }
    ;

tstmt
    : IDENT '=' expr ';'    { $$ = ast_add(leaf(AST_PROP, @1, $1), $3); }
    | IDENT '{' tstmts '}'  { $$ = $3; $$->name = $1; $$->loc = @1; }
    | error ';'             { $$ = NULL; }
    ;

%%

static void yyerror(YYLTYPE *loc, yyscan_t scanner, const char *msg) {
    LexState *st = yyget_extra(scanner);
    if (strcmp(msg, "memory exhausted") == 0)
        diag_error(st->c, *loc, "input is nested too deeply");
    else
        diag_error(st->c, *loc, "%s", msg);
}

/* Describes token `t` as it appears in the input. */
static void describe(char *buf, size_t n, yysymbol_kind_t t, LexState *st) {
    switch (t) {
    case YYSYMBOL_IDENT: snprintf(buf, n, "name '%s'", st->last); break;
    case YYSYMBOL_INT:
    case YYSYMBOL_REAL: snprintf(buf, n, "number '%s'", st->last); break;
    case YYSYMBOL_STRING: snprintf(buf, n, "string"); break;
    case YYSYMBOL_TYPE: snprintf(buf, n, "element type '%s'", st->last); break;
    case YYSYMBOL_INVALID: snprintf(buf, n, "invalid character '%s'", st->last); break;
    default: snprintf(buf, n, "%s", yysymbol_name(t)); break;
    }
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner) {
    LexState *st = yyget_extra(scanner);
    if (st->fatal)
        return 0; /* the scanner already said why it stopped */
    yysymbol_kind_t got = yypcontext_token(ctx);
    Loc loc = *yypcontext_location(ctx);
    char what[96];
    describe(what, sizeof what, got, st);
    if (got == YYSYMBOL_INVALID) {
        diag_error(st->c, loc, "invalid character '%s'", st->last);
        return 0;
    }
    enum { MAX = 64 };
    yysymbol_kind_t exp[MAX];
    int n = yypcontext_expected_tokens(ctx, exp, MAX);
    bool want_int = false, want_type = false;
    for (int i = 0; i < n; i++) {
        want_int |= exp[i] == YYSYMBOL_INT;
        want_type |= exp[i] == YYSYMBOL_TYPE;
    }
    if (got == YYSYMBOL_YYEOF && st->depth > 0) {
        char open = st->open_ch[st->depth - 1];
        char close = open == '{' ? '}' : open == '(' ? ')' : ']';
        diag_error(st->c, loc, "expected '%c' before end of file", close);
        diag_note(st->c, st->open[st->depth - 1], "to match this '%c'", open);
        return 0;
    }
    /* 'output = ...': a keyword where a name was meant. */
    for (int i = 0; lex_keywords[i] && strcmp(yysymbol_name(got), "'='") == 0; i++)
        if (strcmp(st->prev_text, lex_keywords[i]) == 0) {
            diag_error(st->c, st->prev, "'%s' is a keyword and cannot be used as a name",
                       st->prev_text);
            return 0;
        }
    /* A missing ';' is best shown right after the token before it. */
    if (n > 0 && n < 5 && strcmp(yysymbol_name(exp[0]), "';'") == 0 && st->prev.line > 0) {
        loc = st->prev;
        loc.line = loc.end_line;
        loc.col = loc.end_col;
        loc.end_col = loc.col + 1;
    }
    if (want_int && n > 3) {
        diag_error(st->c, loc, "expected a value before %s", what);
    } else if (n <= 0 || n >= 5) {
        diag_error(st->c, loc, "unexpected %s", what);
    } else {
        char list[256] = "";
        for (int i = 0; i < n; i++) {
            const char *sep = i == 0 ? "" : i == n - 1 ? " or " : ", ";
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s%s", sep, yysymbol_name(exp[i]));
        }
        diag_error(st->c, loc, "expected %s before %s", list, what);
    }
    if (want_type)
        diag_note(st->c, loc, "the element types are f32, i32, u8 and b1");
    /* A missing closer: point at what it should close. */
    for (int i = 0; n > 0 && n < 5 && i < n; i++) {
        const char *nm = yysymbol_name(exp[i]);
        char close = nm[0] == '\'' ? nm[1] : 0;
        if ((close == '}' || close == ')' || close == ']') && st->depth > 0) {
            char open = st->open_ch[st->depth - 1];
            diag_note(st->c, st->open[st->depth - 1], "to match this '%c'", open);
            break;
        }
    }
    return 0;
}
