/*
 * bnnc.h: the one shared header of the bnnc compiler, and the map of it.
 *
 * Data flows one way through these modules, each with its own prefix:
 *
 *   mem_   arena allocator (arena.c): every long-lived object lives in one
 *          arena per compilation and is freed at once at the end.
 *   src_   source files (source.c): loading, validation of raw bytes
 *          (NUL, invalid UTF-8, over-long lines), line index.
 *   diag_  diagnostics (diag.c): "file:line:col: error: msg", the source
 *          line, a caret and underline, notes, colour on a terminal only.
 *   lex_/parse_  Flex scanner and Bison parser (grammar/): text -> AST.
 *   ast_   the syntax tree (ast.c): one generic node type, malloc-owned,
 *          freed by ast_free (the parser's %destructor uses it).
 *   ops_   the operation table (ops.c, ops.def): every operation and
 *          attribute is declared once there; every stage reads it.
 *   unit_  units and dimensions of quantities (units.c).
 *   load_  imports and the search path (load.c): file -> declarations.
 *   sema_  semantic analysis (sema.c, target.c): blocks expanded, names
 *          resolved, shapes and precisions inferred -> IR.
 *   ir_    the IR (ir.c): graph of layers, its verifier and its text form.
 *
 * main.c drives the pipeline as a straight list of calls.
 */
#ifndef BNNC_H
#define BNNC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BNNC_VERSION "0.1.0"
#define BNNC_LANG_VERSION 1

/* Limits on input (docs/language.md section 1). */
#define BNNC_MAX_LINE 4096    /* bytes in one source line */
#define BNNC_MAX_IDENT 255    /* bytes in one identifier */
#define BNNC_MAX_NEST 64      /* nesting of brackets, braces, blocks */
#define BNNC_MAX_ERRORS 20    /* errors reported before stopping */
#define BNNC_MAX_NODES 2000000 /* layers in one expanded network */
#define BNNC_MAX_DIM (((int64_t)1 << 31) - 1) /* one tensor dimension */
#define BNNC_MAX_ELEMS ((int64_t)1 << 40) /* elements of one tensor */

/* Exit status of the driver. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 70 };

/* ---------------------------------------------------------------- mem_ */

typedef struct MemBlock MemBlock;
typedef struct {
    MemBlock *head;
    size_t total;
} Arena;

void mem_init(Arena *a);
void mem_free(Arena *a);
void *mem_alloc(Arena *a, size_t n);           /* zeroed, aligned */
void *mem_array(Arena *a, size_t n, size_t sz); /* overflow-checked */
char *mem_strdup(Arena *a, const char *s);
char *mem_strndup(Arena *a, const char *s, size_t n);
char *mem_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Exits with a message when the machine is out of memory. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Growable array of pointers, arena-backed. */
typedef struct {
    void **v;
    int n, cap;
} PtrVec;
void vec_push(Arena *a, PtrVec *v, void *p);

/* ---------------------------------------------------------------- src_ */

/* A location: file index, 1-based line and column (columns count UTF-8
 * characters), and the end column on the same line (for underlines). */
typedef struct {
    int file;
    int line, col;
    int end_line, end_col;
} Loc;

typedef struct {
    char *path;         /* as given or as found on the search path */
    char *real;         /* canonical path, for "read once" and cycles */
    char *text;         /* NUL-terminated copy of the bytes */
    size_t len;
    int *line_start;    /* byte offset of each line, 0-based index */
    int nlines;
} SrcFile;

typedef struct Ctx Ctx;

/* Reads a file (or "-" for standard input). Returns the file index, or -1
 * after reporting at `from` (which may be a null location). */
int src_load(Ctx *c, const char *path, const char *real, Loc from);
int src_add_text(Ctx *c, const char *name, const char *text, size_t len);
/* Checks raw bytes; reports the first problems. Returns false if the file
 * must not be lexed (NUL bytes, invalid UTF-8, binary garbage). */
bool src_validate(Ctx *c, int file);
const char *src_line(Ctx *c, int file, int line, int *len);
/* Length of the UTF-8 sequence at p (1..4), or 0 if it is invalid. */
int src_utf8_len(const unsigned char *p, size_t avail);

/* ---------------------------------------------------------------- diag_ */

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagKind;

/* A chain of block expansion sites, innermost first. */
typedef struct Origin {
    Loc call;
    const char *block;
    const struct Origin *up;
} Origin;

void diag_emit(Ctx *c, DiagKind k, Loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_vemit(Ctx *c, DiagKind k, Loc loc, const char *fmt, va_list ap);
/* An error at loc, followed by a note per expansion site in `o`. */
void diag_error_at(Ctx *c, Loc loc, const Origin *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_error(Ctx *c, Loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warn(Ctx *c, Loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_note(Ctx *c, Loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An error with no location (usage, I/O). */
void diag_plain(Ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
Loc loc_none(void);
Loc loc_span(Loc a, Loc b);

/* --------------------------------------------------------------- ast_ */

typedef enum {
    AST_FILE,     /* kids: items; ival: version (0 if missing) */
    AST_IMPORT,   /* name: path string */
    AST_NETWORK,  /* name; kids: statements */
    AST_BLOCK,    /* name; kids[0]: AST_PARAMS; rest: statements */
    AST_PARAMS,   /* kids: AST_NAME */
    AST_TARGET,   /* name; name2: parent or NULL; kids: AST_PROP/AST_SECTION */
    AST_PROP,     /* name; kids[0]: expr */
    AST_SECTION,  /* name; kids: AST_PROP/AST_SECTION */
    AST_INPUT,    /* name; name2: element type; kids: AST_INT dims */
    AST_ASSIGN,   /* name; kids[0]: value */
    AST_OUTPUT,   /* kids: AST_NAME */
    AST_RETURN,   /* kids[0]: value */
    AST_CALL,     /* name; kids: args (values or AST_NAMED) */
    AST_NAMED,    /* name; kids[0]: expr */
    AST_REPEAT,   /* kids[0]: count expr; kids[1]: AST_CALL */
    AST_NAME,     /* name */
    AST_INT,      /* ival; name: unit or NULL */
    AST_REAL,     /* rval; name: unit or NULL */
    AST_STRING,   /* name: the decoded string */
    AST_PAIR,     /* kids[0], kids[1] */
    AST_BINOP,    /* ival: '+', '-', '*', '/'; kids[0], kids[1] */
    AST_NEG,      /* kids[0] */
    AST_VERSION,  /* ival: the format version (parser only) */
} AstKind;

typedef struct Ast Ast;
struct Ast {
    AstKind kind;
    Loc loc;
    Loc kw;       /* the statement's keyword, or a target's parent name */
    char *name;
    char *name2;
    int64_t ival;
    double rval;
    Ast **kids;
    int nkids, cap;
};

Ast *ast_new(AstKind k, Loc loc);
Ast *ast_add(Ast *parent, Ast *kid); /* returns parent; kid may be NULL */
void ast_free(Ast *a);
const char *ast_kind_name(AstKind k);

/* ---------------------------------------------------------- lex_/parse_ */

/* Lexes and parses one file. Returns the AST (NULL if nothing could be
 * built); syntax errors are reported through diag. */
Ast *parse_file(Ctx *c, int file);
/* Keywords of the language, NULL-terminated (the lexer and --print-tables
 * use this one list). */
/* Scans a file into token codes (parser.h), ending with 0; for tests.
 * Returns the number of tokens, at most max - 1. */
int lex_tokens(Ctx *c, int file, int *out, int max);
extern const char *const lex_keywords[];
extern const char *const lex_types[];

/* ---------------------------------------------------------------- ops_ */

#define OPS_ATTRS(X)                                                       \
    X(FILTERS, filters, ATTR_INT)                                           \
    X(KERNEL, kernel, ATTR_PAIR)                                            \
    X(STRIDE, stride, ATTR_PAIR)                                            \
    X(PADDING, padding, ATTR_PADDING)                                       \
    X(DILATION, dilation, ATTR_PAIR)                                        \
    X(GROUPS, groups, ATTR_INT)                                             \
    X(UNITS, units, ATTR_INT)                                               \
    X(SIZE, size, ATTR_PAIR)                                                \
    X(MULTIPLIER, multiplier, ATTR_INT)

typedef enum {
#define X(id, name, ty) A_##id,
    OPS_ATTRS(X)
#undef X
    A_COUNT
} AttrId;

typedef enum { ATTR_INT, ATTR_PAIR, ATTR_PADDING } AttrType;
typedef enum { PAD_VALID, PAD_SAME, PAD_SAME_ONE } Padding;

typedef enum {
#define OP(id, name, nin_min, nin_max, weights, attrs, required, infer) OP_##id,
#include "ops.def"
#undef OP
    OP_COUNT
} OpId;

/* Element types. B1 is {-1,+1} stored as one bit. */
typedef enum { DT_NONE, DT_B1, DT_U8, DT_I32, DT_F32 } DType;

typedef enum { W_NONE, W_FLOAT, W_BINARY } WeightKind;

typedef struct IrNode IrNode;
typedef struct Sema Sema;
typedef bool (*InferFn)(Sema *s, IrNode *n);

typedef struct {
    const char *name;
    int nin_min, nin_max; /* nin_max < 0: no upper bound */
    WeightKind weights;
    unsigned attrs;       /* bit (1u << A_x) for each allowed attribute */
    unsigned required;
    InferFn infer;
} OpDesc;

extern const OpDesc ops_table[OP_COUNT];
extern const char *const ops_attr_names[A_COUNT];
extern const AttrType ops_attr_types[A_COUNT];
extern const char *const ops_padding_names[3];
int ops_lookup(const char *name);        /* OpId or -1 */
int ops_attr_lookup(const char *name);   /* AttrId or -1 */
const char *dtype_name(DType t);
/* The closest of `n` names to `s` by edit distance, or NULL if none is
 * close enough to suggest. */
const char *ops_suggest(const char *s, const char *const *names, int n);

/* --------------------------------------------------------------- unit_ */

typedef enum {
    DIM_NUMBER, DIM_FREQ, DIM_BYTES, DIM_BITS, DIM_TIME, DIM_CYCLES,
    DIM_BANDWIDTH, DIM_POWER, DIM_MONEY, DIM_NAME, DIM_COUNT
} Dim;

typedef struct {
    const char *name;
    Dim dim;
    double scale;  /* to the base unit: Hz, B, bit, s, cycle, B/s, W, USD */
} UnitDesc;

extern const UnitDesc unit_table[];
extern const int unit_count;
const UnitDesc *unit_lookup(const char *name);
const char *unit_dim_name(Dim d);
const char *unit_dim_units(Dim d); /* "Hz, kHz, MHz, GHz" */
/* Formats `v` (in base units of `d`) with a readable unit. */
void unit_format(char *buf, size_t n, double v, Dim d);

/* ---------------------------------------------------------------- ir_ */

#define IR_MAX_RANK 3

typedef struct {
    int rank;                  /* 1: [N], 3: [H, W, C] */
    int64_t d[IR_MAX_RANK];
} Shape;

struct IrNode {
    int id;
    OpId op;                   /* OP_COUNT for a network input */
    const char *name;
    Loc loc;
    const Origin *origin;
    IrNode **in;
    int nin;
    int64_t attr[A_COUNT][2];  /* pairs: [h, w]; scalars in [0] */
    bool has_attr[A_COUNT];
    Shape shape;
    DType type;                /* output element type */
    DType in_type;             /* element type of the (first) input */
    WeightKind weights;
    bool bad;                  /* an error was reported for this node */
};

typedef struct {
    const char *name;
    Loc loc;
    PtrVec nodes;              /* IrNode*, in topological order */
    PtrVec inputs;             /* IrNode* */
    PtrVec outputs;            /* IrNode* */
} IrGraph;

/* A resolved target property: a path such as "clock", "cost.xnor",
 * "memory.l1.size", its value in base units, or a name. */
typedef struct {
    const char *path;
    Dim dim;
    double value;
    const char *word;          /* for DIM_NAME */
    Loc loc;
} TProp;

typedef struct IrTarget {
    const char *name;
    const char *parent;
    Loc loc;
    PtrVec props;              /* TProp*, in declaration order */
} IrTarget;

typedef struct {
    PtrVec graphs;             /* IrGraph* */
    PtrVec targets;            /* IrTarget* */
} IrModule;

int64_t shape_elems(const Shape *s);
void shape_format(char *buf, size_t n, const Shape *s);
const TProp *ir_target_get(const IrTarget *t, const char *path);
/* Checks structural invariants; reports internal errors, returns false. */
bool ir_verify(Ctx *c, const IrModule *m, const char *after);
void ir_dump(FILE *f, const IrModule *m);
void ir_dump_graph(FILE *f, const IrGraph *g);

/* --------------------------------------------------------------- load_ */

/* Loads `path` and, transitively, its imports. Returns false on errors. */
bool load_program(Ctx *c, const char *path);
/* The same for text in memory, named `name` in messages (tests, stdin). */
bool load_source(Ctx *c, const char *name, const char *text);

/* -------------------------------------------------------------- sema_ */

/* Builds the IR from the loaded program. Returns false on errors. */
bool sema_run(Ctx *c, IrModule *m);
bool sema_targets(Ctx *c, IrModule *m);
/* Target property and section names, and the words property values may
 * take (for --print-tables). */
extern const char *const target_property_names[];
extern const char *const target_words[];
/* Reports a shape or type error for node n (with expansion notes). */
void sema_node_error(Sema *s, IrNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---------------------------------------------------------------- Ctx */

/* A declaration found while loading: network, block or target. */
typedef struct {
    Ast *ast;
    int file;
} Decl;

struct Ctx {
    Arena arena;
    PtrVec files;            /* SrcFile* */
    PtrVec asts;             /* Ast* roots, freed at the end */
    PtrVec decls;            /* Decl*: every network, block and target */
    PtrVec search;           /* char*: -I dirs, BNNC_PATH, stdlib */
    int main_file;
    int errors;
    int warnings;
    bool color;
    bool stopped;            /* too many errors: stop reporting */
    bool quiet_notes;        /* the last error was not printed */
    Loc last_loc;            /* of the last diagnostic printed */
    FILE *err;
};

void ctx_init(Ctx *c);
void ctx_free(Ctx *c);
const char *ctx_stdlib_dir(void);

#endif
