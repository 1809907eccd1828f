/*
 * bnnc.h: the one shared header of the bnnc compiler, and the map of it.
 *
 * Data flows one way through these modules, each with its own prefix:
 *
 *   mem_   arena allocator (arena.c): every long-lived object lives in one
 *          arena per compilation and is freed at once at the end.
 *   strmap_ string maps (strmap.c, strmap.h): every name table (sema's
 *          scopes, the importers' names).
 *   src_   source files (source.c): loading, validation of raw bytes
 *          (NUL, invalid UTF-8, over-long lines), line index.
 *   diag_  diagnostics (diag.c): "file:line:col: error: msg", the source
 *          line, a caret and underline, notes, colour on a terminal only;
 *          the front end's held and printed in line order.
 *   out_   output files (outfile.c): every file bnnc writes for the user,
 *          replaced whole or not at all, a set of them all or none; a
 *          link's target written, a device or FIFO written in place.
 *   lex_/parse_  Flex scanner and Bison parser (grammar/): text -> AST.
 *   ast_   the syntax tree (ast.c): one generic node type, malloc-owned,
 *          freed by ast_free (the parser's %destructor uses it).
 *   ops_   the operation table (ops.c, ops.def): every operation and
 *          attribute is declared once there; every stage reads it. Its
 *          shape functions report through a ShapeReport their caller
 *          gives them: ops.c includes nothing of the stages above it.
 *   unit_  units and dimensions of quantities (units.c).
 *   load_  imports and the search path (load.c): file -> declarations.
 *   sema_  semantic analysis (sema.c, target.c): blocks expanded, names
 *          resolved, shapes and precisions inferred -> IR.
 *   ir_    the IR (ir.c): graph of layers, its verifier and its text form.
 *   pass_  optimisation passes over the IR, one per file (pass_*.c), and
 *          their pipeline (pass.c): dead-value removal, batchnorm + sign
 *          fusion into thresholds, filter compression, element-wise
 *          epilogues fused into binary layers.
 *   plan_  the activation buffer planner (plan.c): live ranges, arena
 *          offsets, the arena size the report and the C emitter share.
 *   cost_  the cost model (cost.c, docs/cost-model.md): a target's
 *          parameters, per-layer XNOROP, LXNOROP, cycles and time.
 *   report_ the forward-task report (report.c text, report_json.c JSON),
 *          the target catalog listing and --explain.
 *   solve_ the inverse task (solve.c, solve_report.c): the targets that
 *          reach a required rate, and why the others do not.
 *   weights_ a network's parameters (weights.c): from a safetensors file
 *          or generated from a seed, checked against the graph, folded.
 *   npy_   NumPy .npy arrays (npy.c): the interpreter's inputs, outputs.
 *   interp_ the reference interpreter (interp.c, `bnnc run`): evaluates
 *          the checked IR in plain arithmetic (docs/semantics.md).
 *   emit_  the C emitter (`--emit c`; emit_c.h maps its parts): the
 *          graph lowered to calls of the kernel library (emit_layers.c;
 *          the fused layers' blocks emit_fused.c), the weights packed (emit_weights.c), the integer thresholds
 *          (emit_thresh.c), the names checks, NAME.h and NAME.c and the
 *          files (emit_c.c), what fits (emit_fits.c).
 *   runtime_ the kernel library (runtime/ headers) embedded in bnnc
 *          (emit_runtime.c): the headers the emitted code includes.
 *   host_  building and running programs on this machine (host.c).
 *   bench_ `bnnc bench` (bench.c): the emitted code timed against the
 *          estimate; calib_ `bnnc calibrate` (calibrate.c): a target
 *          description of this machine from micro-benchmarks.
 *   cmd_   subcommands with their own options (cmd_run.c: `bnnc run`;
 *          cmd_import.c: `bnnc import`; cmd_weights.c: `bnnc weights`).
 *   cli_   the command lines (cli.c): one table of every command's
 *          options (cli_options), from which each command's parser
 *          (cli_parse, on getopt_long), its --help and its "did you
 *          mean" are made; usage errors; the search path.
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
/* Totals of one network (sema): the cost model, the planner and the back
 * ends compute in int64_t below them without overflow. */
#define BNNC_MAX_PARAMS ((int64_t)1 << 40)      /* parameters */
#define BNNC_MAX_MACS ((int64_t)1 << 60)        /* multiply-accumulates */
#define BNNC_MAX_TOTAL_ELEMS ((int64_t)1 << 50) /* elements of all its tensors */
/* Memory bnnc itself takes to run a network (`bnnc run`) or to compile it
 * (--emit c): its parameters as floats, and (run) the tensors alive at
 * once. A network past it is refused with an error, not run out of memory. */
#define BNNC_MAX_RUN_BYTES ((int64_t)1 << 31)
/* The C back end: elements and bytes of any tensor, and bytes of the
 * activation arena of the generated code (indexed with `long`, 32 bits on
 * an MCU). */
#define BNNC_MAX_EMIT (((int64_t)1 << 31) - 1)

/* Whether this translation unit is built with AddressSanitizer (gcc's
 * macro, or clang's feature test): its shadow memory reserves terabytes of
 * address space, so an address-space limit (RLIMIT_AS) cannot be used. */
#if defined(__SANITIZE_ADDRESS__)
#define BNNC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BNNC_ASAN 1
#endif
#endif

/* Exit status of the driver. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_NONE = 3, EXIT_INTERNAL = 70 };

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
/* FNV-1a, 64 bits, of a string: the hash of the name maps and of the
 * random weights' per-tensor generators. */
uint64_t str_hash(const char *s);
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
/* Opens a named file to read it: only a regular file is opened. A folder,
 * a device, a pipe (FIFO) or a socket is refused, found with stat and
 * again with fstat on the opened descriptor, as "'path' is a folder, not a
 * KIND file" (KIND: ".bnn", "safetensors", ".npy"); opening never waits (a
 * FIFO with no writer). NULL after reporting at `from` (a null location:
 * none) "cannot open WHAT'path'" (`what` may be "" or "the weights ").
 * *size: the size fstat gives (0 for the files of /proc: read with a
 * bound all the same). */
FILE *src_open(Ctx *c, const char *path, const char *what, const char *kind, Loc from,
               int64_t *size);
/* What a file of this st_mode is, as a phrase ("a folder", "a device",
 * "a pipe", "a socket"), or NULL for a regular file. */
const char *src_file_kind(unsigned mode);
/* Reads up to n bytes of f; *got < n at the end of the file. False after
 * reporting a read error. */
bool src_read_upto(Ctx *c, FILE *f, const char *path, unsigned char *buf, size_t n,
                   size_t *got);
/* Reads the rest of f, at most max + 1 bytes (*len == max + 1: there was
 * more than max), into malloc'ed memory, with room first for `hint` bytes
 * (what fstat said is left; 0: unknown). False after reporting. */
bool src_read_rest(Ctx *c, FILE *f, const char *path, size_t max, size_t hint,
                   unsigned char **buf, size_t *len);
/* Reads a whole regular file, at most 64 MiB, into malloc'ed memory; false
 * after reporting (src_open's errors, "file is larger than 64 MiB"). */
bool src_read_all(Ctx *c, const char *path, const char *what, unsigned char **buf, size_t *len);
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

/* Diagnostics in line order (docs/robustness.md, "Diagnostics: every
 * error, in line order"). From diag_defer to diag_flush, every error or
 * warning with a location is held with its notes instead of printed;
 * diag_flush prints them sorted, stably, by file (in the order the files
 * were read: the main file first), line and column, each error with its
 * notes, the first BNNC_MAX_ERRORS errors in that order, then the count
 * line. A diagnostic without a location prints what is held first, then
 * itself. load_ holds from its start until it fails or sema_run ends;
 * ctx_free prints what is still held. */
typedef struct DiagEntry DiagEntry;
typedef struct {
    DiagEntry **v;           /* held, in the order they will be printed */
    int n, cap;
    int errors;              /* errors among them */
    int dropped;             /* errors past the limit: counted, not held */
    bool cut;                /* an error was dropped at cut_*: what sorts */
    int cut_file, cut_line, cut_col; /* after it is never printed */
    DiagEntry *open;         /* the entry the next notes belong to */
} DiagHeld;
void diag_defer(Ctx *c);
void diag_flush(Ctx *c);
/* One note per expansion site of o, innermost first; of a chain of more
 * than DIAG_CHAIN_MAX sites, the first DIAG_CHAIN_HEAD, a note
 * "[ skipping N expansions, of blocks 'a' to 'b' ]" and the last. */
#define DIAG_CHAIN_MAX 5
#define DIAG_CHAIN_HEAD 3
void diag_origins(Ctx *c, const Origin *o);
/* For a chain of n notes printed one by one (i = 0 first): whether note
 * i is printed; at the first one left out, prints "[ skipping N WHAT ]". */
bool diag_chain_note(Ctx *c, int i, int n, const char *what);

/* ---------------------------------------------------------------- out_ */

/* One file bnnc writes for the user (docs/robustness.md section 5): a new
 * path or a regular file gets a temporary file beside it, renamed over it
 * at out_commit; a symbolic link is resolved and the file it names treated
 * so (the link stays); a device or a FIFO (or a link to one) is written in
 * place at out_commit, its bytes kept until then in an anonymous temporary
 * file; a folder or a socket is refused. */
typedef struct {
    const char *path;          /* as given */
    const char *note;          /* "" or " (a link to 'DEST')", for messages */
    char *dest;                /* the file written: path, or what its links name */
    char *tmp;                 /* the temporary beside dest; NULL if none */
    bool in_place;             /* dest is a device or FIFO: written, not replaced */
    bool truncate;             /* in place, but a regular file (/proc/self/fd/N) */
    FILE *f;                   /* where the contents go until out_commit */
    int err;                   /* errno of a failed write to f, if the writer kept it */
} OutFile;

/* Checks path and opens o->f for its contents; false after reporting
 * "cannot write 'PATH': WHY" (a folder, a socket, a missing or unwritable
 * folder, a loop of links), with nothing left behind. */
bool out_open(Ctx *c, OutFile *o, const char *path);
/* The same check, keeping nothing: for a command that writes much later. */
bool out_check(Ctx *c, const char *path);
/* Puts the n files of o in place, all or none: each one closed and
 * checked, every destination checked again, the devices and FIFOs
 * written, then every temporary renamed over its file. False after
 * reporting; o is discarded and no temporary is left either way (a failed
 * rename, which needs another process's help, may leave the first files
 * replaced). */
bool out_commit(Ctx *c, OutFile *o, int n);
/* Drops o unwritten: its temporary closed and removed. */
void out_discard(OutFile *o);

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
    AST_OUTPUT,   /* kids: AST_NAME (a name, or a dotted one: "s1.y") */
    AST_RETURN,   /* kids: the values returned, one or more */
    AST_CALL,     /* name; kids: args (values or AST_NAMED) */
    AST_NAMED,    /* name; kids[0]: expr */
    AST_REPEAT,   /* kids[0]: count expr; kids[1]: AST_CALL */
    AST_NAME,     /* name */
    AST_INT,      /* ival; name: unit or NULL */
    AST_REAL,     /* rval; name: unit or NULL */
    AST_STRING,   /* name: the decoded string */
    AST_TUPLE,    /* kids[0 .. nkids-1]: (a, b) or (a, b, c, ...) */
    AST_BINOP,    /* ival: '+', '-', '*', '/'; kids[0], kids[1] */
    AST_NEG,      /* kids[0] */
    AST_VERSION,  /* ival: the format version (parser only) */
    AST_UNPACK,   /* p, q = call: kids[0] the value; kids[1..]: AST_NAME */
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

/* X(id, name, type, default): the default of an attribute a call leaves
 * out (a pooling window's stride defaults to its size instead; a tuple
 * has none); 0 for a required one. */
#define OPS_ATTRS(X)                                                       \
    X(FILTERS, filters, ATTR_INT, 0)                                        \
    X(KERNEL, kernel, ATTR_PAIR, 0)                                         \
    X(STRIDE, stride, ATTR_PAIR, 1)                                         \
    X(PADDING, padding, ATTR_PADDING, PAD_VALID)                            \
    X(DILATION, dilation, ATTR_PAIR, 1)                                     \
    X(GROUPS, groups, ATTR_INT, 1)                                          \
    X(UNITS, units, ATTR_INT, 0)                                            \
    X(SIZE, size, ATTR_PAIR, 0)                                             \
    X(MULTIPLIER, multiplier, ATTR_INT, 1)                                  \
    X(SHAPE, shape, ATTR_TUPLE, 0)                                          \
    X(PERM, perm, ATTR_TUPLE, 0)                                            \
    X(BEGIN, begin, ATTR_TUPLE, 0)                                          \
    X(END, end, ATTR_TUPLE, 0)                                              \
    X(BEFORE, before, ATTR_TUPLE, 0)                                        \
    X(AFTER, after, ATTR_TUPLE, 0)                                          \
    X(VALUE, value, ATTR_REAL, 0)                                           \
    X(LEVELS, levels, ATTR_INT, 1)                                          \
    X(STRICT, strict, ATTR_FLAG, 0)                                          \
    X(BIAS, bias, ATTR_FLAG, 0)                                             \
    X(EPSILON, epsilon, ATTR_REAL, 0.001)                                   \
    X(CENTER, center, ATTR_FLAG, 1)                                         \
    X(SCALE, scale, ATTR_FLAG, 1)                                           \
    X(SCALED, scaled, ATTR_FLAG, 0)                                         \
    X(FROZEN, frozen, ATTR_FLAG, 0)                                         \
    X(PER_ELEMENT, per_element, ATTR_FLAG, 0)

typedef enum {
#define X(id, name, ty, dflt) A_##id,
    OPS_ATTRS(X)
#undef X
    A_COUNT
} AttrId;

/* ATTR_INT: a positive integer; ATTR_PAIR: one or a pair (h, w);
 * ATTR_PADDING: valid, same or same_one; ATTR_REAL: a real number (or an
 * integer), in IrAttrs.r; ATTR_FLAG: yes or no, 1 or 0; ATTR_TUPLE: one
 * to IR_ATTR_MAX integers, each 0 or more, their count in IrAttrs.len. */
typedef enum { ATTR_INT, ATTR_PAIR, ATTR_PADDING, ATTR_REAL, ATTR_FLAG, ATTR_TUPLE } AttrType;
typedef enum { PAD_VALID, PAD_SAME, PAD_SAME_ONE } Padding;

typedef enum {
#define OP(id, name, nin_min, nin_max, weights, attrs, required, infer) OP_##id,
#define INTERNAL_OP(id, name, nin_min, nin_max, weights) OP_##id,
#include "ops.def"
#undef OP
#undef INTERNAL_OP
    OP_COUNT
} OpId;

/* Element types. B1 is {-1,+1} stored as one bit. */
typedef enum { DT_NONE, DT_B1, DT_U8, DT_I32, DT_F32 } DType;

typedef enum { W_NONE, W_FLOAT, W_BINARY } WeightKind;

typedef struct IrNode IrNode;
/* How a shape function reports: its caller (sema) fills one, so the
 * operation table needs nothing from the stages above it. `error` reports
 * a shape or type error of node n (the caller adds what it knows, such as
 * the block-expansion notes); `note` adds a note, without a location,
 * after it. The messages are printf formats. */
typedef struct {
    void *ctx;
    void (*error)(void *ctx, const IrNode *n, const char *fmt, va_list ap);
    void (*note)(void *ctx, const char *fmt, va_list ap);
} ShapeReport;
/* Infers n's shape and element type from its inputs and attributes;
 * false after reporting through r. */
typedef bool (*InferFn)(const ShapeReport *r, IrNode *n);

typedef struct {
    const char *name;
    int nin_min, nin_max; /* nin_max < 0: no upper bound */
    WeightKind weights;
    unsigned attrs;       /* bit (1u << A_x) for each allowed attribute */
    unsigned required;
    InferFn infer;        /* NULL for an internal operation */
    bool internal;        /* made by a pass, never written in a .bnn file */
} OpDesc;

extern const OpDesc ops_table[OP_COUNT];
extern const char *const ops_attr_names[A_COUNT];
extern const AttrType ops_attr_types[A_COUNT];
extern const double ops_attr_defaults[A_COUNT];
extern const char *const ops_padding_names[3];
int ops_lookup(const char *name);        /* OpId or -1; internal ops excluded */
int ops_attr_lookup(const char *name);   /* AttrId or -1 */
const char *dtype_name(DType t);
/* The closest of `n` names to `s` by edit distance, or NULL if none is
 * close enough to suggest. */
const char *ops_suggest(const char *s, const char *const *names, int n);

/* --------------------------------------------------------------- unit_ */

typedef enum {
    DIM_NUMBER, DIM_FREQ, DIM_BYTES, DIM_BITS, DIM_TIME, DIM_CYCLES,
    DIM_BANDWIDTH, DIM_BPC, DIM_POWER, DIM_MONEY, DIM_NAME, DIM_COUNT
} Dim;

typedef struct {
    const char *name;
    Dim dim;
    double scale;  /* to the base unit: Hz, B, bit, s, cycle, B/s, B/cycle, W, USD */
} UnitDesc;

extern const UnitDesc unit_table[];
extern const int unit_count;
const UnitDesc *unit_lookup(const char *name);
const char *unit_dim_name(Dim d);
const char *unit_dim_units(Dim d); /* "Hz, kHz, MHz, GHz" */
/* Formats `v` (in base units of `d`) with a readable unit. */
void unit_format(char *buf, size_t n, double v, Dim d);

/* ---------------------------------------------------------------- ir_ */

#define IR_MAX_RANK 4

/* A tensor's shape, row-major: rank 1 to 4. The last dimension is the
 * channels (b1 tensors are packed per "pixel": all but the last index);
 * the operations with windows take [H, W, C] (rank 3), dense a flat [N]
 * (rank 1); element-wise operations take any rank. */
typedef struct {
    int rank;                  /* 1 to IR_MAX_RANK; 3 is [H, W, C], 1 is [N] */
    int64_t d[IR_MAX_RANK];
} Shape;

/* The most values an attribute holds (a tuple). */
#define IR_ATTR_MAX 4

/* A layer's attributes: v[a] holds pairs [h, w], scalars in [0], tuples
 * in [0 .. len[a] - 1]; r[a] a real; has[a] is true when the operation
 * takes attribute a (set, or its default). */
typedef struct {
    int64_t v[A_COUNT][IR_ATTR_MAX];
    double r[A_COUNT];
    unsigned char len[A_COUNT];
    bool has[A_COUNT];
} IrAttrs;

/* How the filter bits of a binary layer are packed into W-bit words
 * (docs/cost-model.md): PACK_NONE is "not decided yet" and costs as
 * PACK_KERNEL, the uncompressed layout. The order is that of compactness. */
typedef enum { PACK_NONE, PACK_KERNEL, PACK_CHANNEL, PACK_DENSE } Packing;
extern const char *const ir_packing_names[4];

/* 128 bytes, so that a network of two million layers fits in memory
 * (docs/robustness.md section 2): the attributes live apart, shared by
 * every layer without any. */
struct IrNode {
    int id;
    OpId op;                   /* OP_COUNT for a network input */
    const char *name;
    Loc loc;
    int nin;
    const Origin *origin;
    IrNode **in;
    /* The layer's attributes (IrAttrs). Read-only: sema sets them when it
     * makes the node (all zero, one table for all, when the operation
     * takes none). */
    const IrAttrs *at;
    Shape shape;
    DType type;                /* output element type */
    DType in_type;             /* element type of the (first) input */
    WeightKind weights;
    Packing packing;           /* binary layers: set by filter compression */
    /* One or the other, by op: a threshold's `folds`, the batchnorm it
     * folds in; a bconv2d or bdense's `epi`, the element-wise layers
     * fused into its kernel (pass_fuse_epilogue.c), NULL for none. */
    union {
        const char *folds;
        const struct IrEpi *epi;
    };
};

/* A layer fused into the kernel of a dot product (pass_fuse_epilogue.c,
 * docs/semantics.md section 5): the layer's own name and operation
 * (batchnorm, relu, prelu, hardtanh, add, sign, threshold), the layer
 * whose parameters it reads (its own; a threshold's batchnorm), and for
 * an add, the index in the fused node's inputs of the other tensor and
 * whether the chain's value is the add's second operand. */
typedef struct {
    OpId op;
    const char *name;
    const char *params;
    const IrAttrs *at;         /* the folded layer's attributes */
    int other;                 /* add: input index of the other tensor; else -1 */
    bool second;               /* add: the chain's value is in[1] */
    DType type;                /* the folded layer's output type */
} IrEpiStep;

/* The steps, in the order the unfused layers ran; `label` names the kind
 * of the fused layer in the reports ("bconv2d+relu+bn+add"); `dot` the
 * output element type of the dot product itself (i32 or f32). */
typedef struct IrEpi {
    IrEpiStep *v;
    int n;
    DType dot;
    const char *label;
    /* A sign of the chain's f32 value that the kernel writes too, as
     * packed bits, when that value has other readers; the sign's node
     * stays, right after this one, and computes nothing (ir_side_of). */
    IrNode *side;
} IrEpi;

/* The operation's name, or a fused layer's label (reports, bench). */
const char *ir_op_label(const IrNode *n);
/* The fused layer whose kernel writes sign n's bits (IrEpi.side), or
 * NULL when n computes its own. */
const IrNode *ir_side_of(const IrNode *n);
/* The inputs of n beyond its operation's own (an epilogue's adds). */
int ir_epi_inputs(const IrNode *n);

/* A layer whose inputs and weights are both binary (XNOR + popcount). */
bool ir_is_binary(const IrNode *n);
/* A layer the pass fuse-epilogue folds element-wise layers into: bconv2d
 * or bdense on a b1 input, or conv2d with float weights. */
bool ir_fuses_epilogue(const IrNode *n);
/* bconv2d or bdense on a u8 input: an integer dot product against binary
 * weights, computed bit-serially, one XNOR-popcount pass per bit of the
 * input (docs/cost-model.md). */
bool ir_is_bitserial(const IrNode *n);
/* The bits a u8 value needs: those of the largest level of the
 * 'thresholds' that made it (through maxpool, flatten, concat), else 8. */
int ir_value_bits(const IrNode *n);
/* Whether n takes the yes/no attribute a and it is yes (bias, scaled,
 * frozen; center and scale of a batchnorm, which default to yes). */
bool ir_flag(const IrNode *n, AttrId a);
/* The element type of a convolution or dense layer's output: i32 for a
 * binary dot product (b1 input, binary weights) with neither a bias nor a
 * weight scale, else f32 (docs/semantics.md section 3). */
DType ir_dot_type(const IrNode *n, DType in);
/* The alphas of a prelu: one per channel, or one per element of its
 * shape with per_element = yes (Keras's PReLU without shared_axes). */
int64_t ir_prelu_alphas(const IrNode *n);

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
/* The innermost extent (channels of an HWC or flat shape); 1 for rank 0. */
int64_t shape_channels(const Shape *s);
/* Pixels: the product of all but the last dimension (H * W of an HWC
 * shape, 1 for a flat one); b1 tensors are packed per pixel. */
int64_t shape_pixels(const Shape *s);
void shape_format(char *buf, size_t n, const Shape *s);
const TProp *ir_target_get(const IrTarget *t, const char *path);
/* Checks structural invariants; reports internal errors, returns false. */
bool ir_verify(Ctx *c, const IrModule *m, const char *after);
/* Drops the nodes of g for which dead[id] is set and renumbers the rest;
 * the caller keeps network inputs and outputs alive. */
void ir_compact(IrGraph *g, const bool *dead);
/* Number of uses of every node of g as an input or an output. */
int *ir_use_counts(Ctx *c, const IrGraph *g);
void ir_dump(FILE *f, const IrModule *m);
void ir_dump_graph(FILE *f, const IrGraph *g);

/* --------------------------------------------------------------- load_ */

/* Loads `path` and, transitively, its imports. Returns false on errors,
 * but for the errors after which checking goes on (Ctx.soft_errors):
 * then sema_run reports the rest and fails. */
bool load_program(Ctx *c, const char *path);
/* The same for text in memory, named `name` in messages (tests, stdin). */
bool load_source(Ctx *c, const char *name, const char *text);
/* Loads the standard target catalog (std/targets on the search path)
 * unless it is loaded already; its declarations are weak. */
bool load_catalog(Ctx *c);

/* -------------------------------------------------------------- sema_ */

/* Builds the IR from the loaded program. Returns false on errors, its own
 * or the loader's soft ones; prints the diagnostics held (diag_flush). */
bool sema_run(Ctx *c, IrModule *m);
bool sema_targets(Ctx *c, IrModule *m);
/* Target property and section names, and the words property values may
 * take (for --print-tables). */
extern const char *const target_property_names[];
extern const char *const target_words[];

/* --------------------------------------------------------------- cost_ */

/* A memory level of a target, in the order declared (fastest first),
 * described by what a streaming kernel gets from it (docs/cost-model.md
 * section 4): bytes per second, or bytes per cycle (scales with the clock). */
typedef struct {
    const char *name;
    double size;               /* bytes */
    double bandwidth;          /* B/s at the target's clock, given or derived */
    double bw_cycle;           /* B/cycle when given so or derived, else 0 */
    bool bandwidth_given;
    bool holds_weights;        /* holds = weights: where an MCU keeps weights */
    bool no_weights;           /* holds = activations */
    bool own;                  /* shared = no: each core has its own, at this bandwidth */
} CostLevel;

#define COST_MAX_LEVELS 8

/* A target's parameters with every default applied (docs/cost-model.md
 * section 2). Costs are cycles of reciprocal throughput per instruction. */
typedef struct {
    const IrTarget *ir;
    const char *name;
    const char *cls;           /* mcu, application, desktop, server */
    double clock;              /* Hz */
    double max_clock;          /* Hz, the fastest of its family; 0: not declared */
    int cores;
    double efficiency;         /* parallel efficiency, used when p > 1 */
    int word, vector, lanes;   /* bits, bits, words per vector */
    int flanes;                /* fp32 elements per vector */
    bool sw_popcount;
    double xnor, popcount, accumulate;
    double fmac, fadd, add, compare, load, store;
    double gather; /* cycles per source word gathered into dense packing */
    double tap;    /* float conv2d: cycles per output position and kernel tap */
    double unpack; /* float dense on a binary input: cycles per input bit unpacked */
    double c_x;                /* cycles per XNOROP */
    bool overlap;              /* memory traffic overlaps compute (max, not sum) */
    const char *figures;       /* measured, derived, estimated; NULL: not said */
    double validated_error;    /* largest |error| of the validation; < 0: none */
    double overhead;           /* cycles per inference */
    double overhead_s;         /* the overhead when given as a time, else 0 */
    double sync;               /* cycles of one bnn_parallel_for (a layer's barrier) */
    double sync_s;             /* the same when given as a time, else 0 */
    Packing packing;           /* most compact packing its kernels support */
    const char *kernels;       /* the C emitter's popcount flavour */
    /* `ops { relu = ...; }`: an operation's measured cost in cycles per
     * unit of work (docs/cost-model.md section 3), or -1; _float: binary
     * weights on a float input (bconv2d, bdense). */
    double op_cost[OP_COUNT], op_cost_float[OP_COUNT];
    CostLevel lv[COST_MAX_LEVELS];
    int nlv;
    double price, power;       /* < 0: not given */
    char problem[160];         /* why cost_target refused it */
    bool report;               /* refusals are reported as errors */
} CostTarget;

/* Reads a resolved target. A missing or inconsistent parameter is
 * reported at the target's declaration, described in out->problem, and
 * makes it return false. */
bool cost_target(Ctx *c, const IrTarget *t, CostTarget *out);
/* The same at another clock (Hz; 0: the target's own): every figure given
 * in cycles keeps its cycles, every figure given as a time or in B/s keeps
 * its seconds (bnnc --clock). */
bool cost_target_at(Ctx *c, const IrTarget *t, double clock, CostTarget *out);
/* The same without reporting (a catalog may hold incomplete targets). */
bool cost_target_quiet(Ctx *c, const IrTarget *t, CostTarget *out);
/* Words per output of binary layer n with packing p on W-bit words. */
int64_t cost_words(const IrNode *n, Packing p, int word);
/* Length N of one dot product of n (its receptive field). */
int64_t cost_fan_in(const IrNode *n);
/* Output channels a binary kernel handles at once: the target's lanes
 * for the vector kernels (avx2, avx512, neon on 64-bit words), else 1. */
int cost_co_lanes(const CostTarget *t);
/* The units the code of --threads N splits layer n into (runtime/
 * bnn_parts.h): output rows of a window layer, blocks of output channels
 * of a dense one, pixels (an i32 add: elements) of an element-wise one;
 * 1 for a layer that runs on one thread (a sign the fused layer before
 * it writes, softmax, the copies and
 * gathers, global_avgpool, a prelu with an alpha per element). */
int64_t cost_split_units(const IrNode *n, const CostTarget *t);
/* The bnn_parallel_for calls of layer n in that code: 0 when it does not
 * split, else 1, and 2 with an epilogue (weight scale, bias) of its own. */
int cost_split_calls(const IrNode *n, const CostTarget *t);
/* The largest part of `units` split into `threads` parts, as a fraction
 * of all: ceil(units / threads) / units (1 for one unit or one thread). */
double cost_parallel_share(int64_t units, int threads);
/* The units of work of a measured operation cost (`ops { OP = ...; }`):
 * MACs, output elements, output taps or input elements (*what says). */
double cost_op_units(const IrNode *n, const char **what);
/* Whether the target's OP_float cost applies to n: binary weights, or a
 * threshold, on a float input. */
bool cost_float_variant(const IrNode *n);
/* Whether n pays cost.unpack: a float dense layer on a binary input. */
bool cost_unpacks(const IrNode *n);
/* Kernel taps (K_h x K_w) of a convolution. */
int64_t cost_taps(const IrNode *n);

typedef enum { MEM_LXNOROP, MEM_ROOFLINE } MemModel;
extern const char *const cost_model_names[2];

/* One layer of the forward estimate; every figure derives from the IR and
 * the target. Cycles are for one core; time divides by the cores used. */
typedef struct {
    const IrNode *n;
    int64_t bmacs, fmacs;      /* binary and float multiply-accumulates */
    int64_t fan_in;            /* N, binary layers */
    int64_t words, words_before;   /* per output: chosen, uncompressed */
    int64_t xnorop, xnorop_before;
    double util, util_before;
    double lxnorop;
    int level, wlevel;         /* levels serving activations, weights; -1 */
    int64_t weight_bytes;      /* packed binary weights */
    int64_t param_bytes;       /* float parameters, thresholds */
    int64_t in_bytes, out_bytes, ws_bytes;
    /* Traffic past the fastest level (lxnorop), or the compulsory traffic
     * (roofline): bytes from the activations' and the weights' levels;
     * weight_passes: how often the kernel reads all its weights. */
    double act_traffic, wt_traffic;
    int64_t weight_passes;
    double loads;              /* binary: words past the fastest level per XNOROP */
    double c_mem;              /* binary: extra cycles per such word (section 4) */
    double cyc_xnor;           /* XNOROP * c_x */
    double cyc_mem;            /* memory cycles beyond compute at the target's clock */
    double cyc_other;          /* non-binary work (cost_other_what says what) */
    const char *other_what;
    /* Parameters as larq's summary counts them (docs/cost-model.md
     * section 6): 1-bit (binary weights) and 32-bit; all of a frozen
     * layer's, and a batchnorm's two per channel, are non-trainable. */
    int64_t params_binary, params_float, params_frozen;
    double cyc_epilogue;       /* of cyc_other: the weight scale and bias */
    const char *epilogue_what; /* NULL: none */
    double cycles;             /* cycles on one core: time on one core x clock */
    int threads;               /* cores this layer runs on */
    int64_t units;             /* parallel units (cost_split_units) */
    int calls;                 /* its bnn_parallel_for calls (cost_split_calls) */
    double t_compute, t_traffic;   /* seconds at the target's clock */
    double time, share;
    /* The same split by how it scales, for cost_time: compute cycles take
     * 1/f each; traffic over bandwidths in B/s takes seconds that do not
     * scale (traffic_s), over bandwidths in B/cycle cycles that do; of
     * those, the parts from levels each core has its own of (shared = no),
     * which divide among the layer's parts as its compute does. */
    double cyc_f, traffic_s, traffic_c, own_s, own_c;
} CostLayer;

typedef struct {
    const char *what;          /* "weights", "activations", "model" */
    const char *level;         /* the memory it must fit in */
    int64_t need;
    double have;
} CostFit;

typedef struct {
    const IrGraph *g;
    const CostTarget *t;
    MemModel model;
    int threads;               /* asked for (at most the target's cores) */
    CostLayer *layers;         /* one per node that is not a network input */
    int n;
    int64_t bmacs, fmacs, xnorop, xnorop_before;
    int64_t params_binary, params_float, params_frozen; /* as the layers' */
    int nbinary;
    double lxnorop;
    double time, rate, overhead_time;
    double time_binary, time_other;
    int64_t weight_bytes, param_bytes, act_bytes, act_live;
    CostFit fits[3];
    int nfits;
} CostResult;

/* Estimates graph g on target t: the forward task. */
void cost_run(Ctx *c, const IrGraph *g, const CostTarget *t, MemModel model, int threads,
              CostResult *out);

typedef struct Plan Plan;
typedef struct {
    MemModel model;
    int threads;
    const Plan *plan;          /* g's buffer plan for t->word, or NULL */
    CostLayer *layers;         /* room for g->nodes.n layers, or NULL */
} CostOptions;
/* cost_run with a precomputed plan and caller-owned layers (the inverse
 * task runs thousands of estimates). */
void cost_run_opt(Ctx *c, const IrGraph *g, const CostTarget *t, const CostOptions *o,
                  CostResult *out);
/* The latency of r's network on r's target at another clock and number
 * of threads (cores the target may not have), from r's layers. */
double cost_time(const CostResult *r, double clock, int threads);

/* -------------------------------------------------------------- plan_ */

/* An activation buffer: the output of one node, alive from its producer to
 * its last use; a view shares the buffer of the node it views. */
typedef struct {
    int64_t offset, size;      /* bytes in the arena */
    int first, last;           /* node ids */
    int owner;                 /* id of the node whose buffer this is */
} PlanBuf;

struct Plan {
    PlanBuf *buf;              /* indexed by node id */
    int n;
    int64_t arena;             /* bytes: the peak activation memory */
    int64_t live_peak;         /* largest sum of live buffers (a lower bound) */
};

#define PLAN_ALIGN 16
/* Bytes of n's output on W-bit words (b1 tensors are packed per pixel). */
int64_t plan_bytes(const IrNode *n, int word);
/* True when n's output is its input's buffer: a flatten or a reshape
 * that moves no bit (any type but b1; b1 when its packing is the same). */
bool plan_is_view(const IrNode *n, int word);
void plan_graph(Ctx *c, const IrGraph *g, int word, Plan *out);

/* -------------------------------------------------------------- pass_ */

#define PASSES(X)                                                           \
    X(DCE, "dce", pass_dce, "remove values that do not reach an output")    \
    X(FUSE, "fuse-bn-sign", pass_fuse, "fold batchnorm + sign into thresholds") \
    X(COMPRESS, "compress", pass_compress, "filter compression: fewest words per output") \
    X(FUSE_EPI, "fuse-epilogue", pass_fuse_epilogue,                         \
      "fuse element-wise layers into binary layers' kernels")

typedef enum {
#define X(id, name, fn, help) PASS_##id,
    PASSES(X)
#undef X
    PASS_COUNT
} PassId;

typedef struct {
    bool on[PASS_COUNT];
    int dump_after;            /* PassId whose result --dump-ir-after prints, or -1 */
    const CostTarget *target;  /* word size and packings; NULL: no target */
} PassOptions;

extern const char *const pass_names[PASS_COUNT];
extern const char *const pass_help[PASS_COUNT];
int pass_lookup(const char *name);   /* PassId or -1 */
void pass_defaults(PassOptions *o);  /* all on, no dump */
/* Runs the enabled passes in order over every graph, with the verifier
 * after each; prints the IR to `dump` after o->dump_after. Returns false
 * on an internal error. */
bool pass_run(Ctx *c, IrModule *m, const PassOptions *o, FILE *dump);
#define X(id, name, fn, help) bool fn(Ctx *c, IrGraph *g, const PassOptions *o);
PASSES(X)
#undef X

/* ------------------------------------------------------------ report_ */

void report_text(FILE *f, const CostResult *r);
/* JSON helpers shared by the reports (jansson's json_t): a number, null
 * when it is not finite; writing a document (and freeing it). */
struct json_t;
struct json_t *report_json_num(double v);
bool report_json_write(FILE *f, struct json_t *doc);
/* The same data as JSON (docs/report-schema.json); false if it fails. */
bool report_json(FILE *f, const CostResult *r);
/* The same as one self-contained HTML page (inline SVG: the layers' times
 * by kind and memory level, a roofline, the memory fits), and the
 * per-layer table as CSV (report_html.c, docs/report.md). */
void report_html(FILE *f, const CostResult *r);
void report_csv(FILE *f, const CostResult *r);
/* The terms of the formula for one layer. */
void report_explain(FILE *f, const CostResult *r, const CostLayer *l);
/* The catalog: one line per target with its key figures. */
void report_targets(FILE *f, const CostTarget *t, int n);
/* Where a target's figures come from, as a phrase (its `figures`). */
const char *report_figures(const CostTarget *t);
/* A quantity with an SI prefix: 1.23 G, 456 k. */
void report_count(char *buf, size_t n, double v);
/* v with four significant digits and no exponent (64060, 20.09, 0.5). */
void report_num(char *buf, size_t n, double v);
/* Seconds, bytes (KiB, MiB, ...) and hertz with three or four digits. */
void report_time(char *buf, size_t n, double s);
void report_bytes(char *buf, size_t n, double b);
void report_freq(char *buf, size_t n, double hz);
/* A layer's count cells of 32 bytes: bMACs, fMACs, and on a binary or
 * bit-serial layer XNOROP and LXNOROP; "-" where there is none. */
void report_layer_counts(const CostLayer *l, char *a, char *b, char *x, char *lx);

/* ------------------------------------------------------------- solve_ */

typedef enum { RANK_MARGIN, RANK_PRICE, RANK_POWER, RANK_FPS } RankBy;
extern const char *const solve_rank_names[4];

typedef struct {
    double rate;               /* R*: inferences per second required */
    int threads;               /* threads allowed; 0: auto (all cores) */
    MemModel model;
    RankBy rank;
    double max_price, max_power;   /* USD, W; < 0: no limit */
    unsigned classes;          /* bit i: class_names[i] allowed; 0: all */
    bool compress;             /* filter compression is on */
} SolveOptions;

typedef enum { WHY_INCOMPLETE, WHY_COMPUTE, WHY_MEMORY, WHY_PRICE, WHY_POWER } WhyKind;

/* One reason a target is rejected. */
typedef struct {
    WhyKind kind;
    double shortfall;          /* compute: R* / R at the threads allowed */
    double min_clock;          /* compute: Hz at those threads; 0: none suffices */
    int min_cores;             /* compute: at its clock; 0: none suffices */
    CostFit fit;               /* memory: what overflows where */
    double limit, value;       /* price, power: the limit and the target's (< 0 unknown) */
} SolveWhy;

typedef struct {
    CostTarget t;
    bool feasible;
    double rate;               /* at `threads` */
    int threads;               /* threads allowed on this target */
    int fewest;                /* fewest threads that reach R* (feasible) */
    double margin;             /* rate / R* */
    double headroom;           /* bytes spare in the tightest memory */
    const char *headroom_level;
    SolveWhy why[5];
    int nwhy;
    int compression;           /* rejected with compression off: 1 if turning
                                  it on makes it feasible, 0 if not; -1 n/a */
} SolveEntry;

typedef struct {
    SolveEntry *e;             /* feasible first, ranked; then rejected */
    int n, nfeasible;
    int searched;              /* targets in the catalog */
    int filtered;              /* left out by --class */
} SolveResult;

extern const char *const solve_class_names[];  /* NULL-terminated */
/* Solves the inverse task for graph g over every target of m (passes
 * other than compression have run). */
void solve_run(Ctx *c, IrGraph *g, const IrModule *m, const SolveOptions *o, SolveResult *out);
void solve_text(FILE *f, const IrGraph *g, const SolveOptions *o, const SolveResult *r);
bool solve_json(FILE *f, const IrGraph *g, const SolveOptions *o, const SolveResult *r);
/* The answer as one HTML page: every target a point of rate against price
 * and against power (report_html.c, docs/inverse.md). */
void solve_html(FILE *f, const IrGraph *g, const SolveOptions *o, const SolveResult *r);
/* One reason of a rejected target, as the text answer prints it (lines
 * indented by six spaces). */
/* A device's price and power cells of 32 bytes: "12.5 USD", "3 W", or
 * "-" where the catalog gives none. */
void solve_price_power(const SolveEntry *e, char *pr, char *pw);
void solve_why_text(FILE *f, const SolveEntry *e, const SolveWhy *w, const SolveOptions *o);

/* ----------------------------------------------------------- weights_ */

/* The parameters of one layer as it computes with them (docs/semantics.md
 * section 2). Arrays are NULL when the layer has no such parameter. */
typedef struct {
    const char *layer;         /* the layer's name */
    float *w;                  /* conv2d, bconv2d: [Kh][Kw][Ci/g][Co];
                                  depthwise_conv2d: [Kh][Kw][C][mult];
                                  dense, bdense: [N][units];
                                  binary weights are -1.0f or +1.0f */
    int64_t nw;                /* elements of w */
    float *scale, *shift;      /* batchnorm, folded: per channel */
    float *alpha;              /* prelu: per channel, or per element with
                                  per_element = yes (nc elements) */
    /* thresholds: w holds T[c][k], [C][levels], sorted per channel, each
     * within +-2^30, nw = C * levels. */
    int64_t nc;                /* channels of scale, shift, alpha (a
                                  per_element prelu: its elements) */
    float *bias;               /* bias = yes: per output channel */
    float *wscale;             /* scaled = yes: the binary weights' scale
                                  per output channel */
    int64_t nout;              /* output channels of bias, wscale */
} LayerParams;

typedef struct {
    LayerParams *v;            /* one per layer with parameters */
    int n;
    bool random;               /* generated from a seed, not loaded */
    uint64_t seed;
} Weights;

/* Loads the parameters of graph g (the checked graph, before the passes)
 * from a safetensors file: every tensor g needs must be there with its
 * shape and a float32 (or, for binary weights, int8) dtype, and no other
 * tensor may be. Errors name the tensor. Returns false after reporting. */
bool weights_load(Ctx *c, const IrGraph *g, const char *path, Weights *out);
/* The same for the bytes of a safetensors file already in memory (`path`
 * names it in messages). */
bool weights_parse(Ctx *c, const IrGraph *g, const char *path, const unsigned char *buf,
                   size_t len, Weights *out);
/* Deterministic pseudo-random parameters for g from seed (the same seed
 * gives the same values on every machine). False after reporting when
 * they would take more than BNNC_MAX_RUN_BYTES (weights_load as well). */
bool weights_random(Ctx *c, const IrGraph *g, uint64_t seed, Weights *out);
/* The parameters of the layer called `layer`, or NULL. */
const LayerParams *weights_get(const Weights *w, const char *layer);
/* One tensor of a network's safetensors file (docs/weights.md section 1). */
typedef struct {
    const char *name;          /* LAYER.SUFFIX */
    const char *layer;
    const char *suffix;        /* "weight", "gamma", "bias", ... */
    const IrNode *node;        /* the layer (its op says the layout) */
    int rank;
    int64_t dims[4];
    int64_t elems;
    bool binary;               /* binary weights: F32 or I8 */
} WeightTensor;
/* The tensors graph g needs (what weights_load checks a file against),
 * sorted by name; with seed and vals non-NULL, *vals[i] holds tensor i's
 * values as weights_random(seed) makes them, before any folding. False
 * after reporting when they take more than BNNC_MAX_RUN_BYTES. */
/* A safetensors file in memory: the 8-byte length, header h as compact
 * JSON (h is released) padded with spaces to 8 bytes, then `data` bytes
 * for the caller to fill from *body on. NULL when h cannot be written
 * (weights.c; bnnc weights --template and bnnc import write with it). */
unsigned char *weights_st_buffer(struct json_t *h, size_t data, size_t *len, unsigned char **body);
bool weights_tensors(Ctx *c, const IrGraph *g, const uint64_t *seed, WeightTensor **out, int *n,
                     float ***vals);

/* --------------------------------------------------------------- npy_ */

typedef struct {
    DType type;                /* DT_F32 ('<f4'), DT_I32 ('<i4'), DT_U8
                                  ('|u1'); DT_B1 is stored as int8 ('|i1') */
    int rank;
    int64_t dims[8];
    int64_t n;                 /* elements */
    void *data;                /* arena-owned: float, int32_t, uint8_t, int8_t */
} NpyArray;

/* Reads a .npy file (version 1 or 2, little-endian, C order), a regular
 * file only (src_open). Returns false after reporting what is wrong with
 * it. The header is read first: an array of more than BNNC_MAX_RUN_BYTES
 * of data, or a file longer than its header and shape say, is refused
 * before its data is read. */
bool npy_read(Ctx *c, const char *path, NpyArray *out);
/* The same, refusing before its data is read an array of more than max
 * bytes of data: "'x.npy' has shape [N]; WHAT" (WHAT: what the array is
 * for, "input 'x' is f32[16]"; NULL: "N bytes of data, more than the M
 * MiB bnnc reads"). */
bool npy_read_max(Ctx *c, const char *path, int64_t max, const char *what, NpyArray *out);
/* Called with an array's type, shape and elements (a->data NULL) once its
 * header is read: false, after reporting, refuses the array before its
 * data is read. */
typedef bool (*NpyCheck)(Ctx *c, const char *path, const NpyArray *a, void *arg);
/* The same, with the header checked by check(c, path, a, arg) first, and
 * then the size: "'x.npy' has shape [N]: N bytes of data, more than the M
 * MiB bnnc reads" past max. */
bool npy_read_check(Ctx *c, const char *path, int64_t max, NpyCheck check, void *arg,
                    NpyArray *out);
/* The same for the bytes of a .npy file in memory (`path` for messages). */
bool npy_parse(Ctx *c, const char *path, const unsigned char *buf, size_t len, NpyArray *out);
/* Writes a .npy file as out_open and out_commit do: a regular file
 * replaced whole (a temporary, then rename), a device or FIFO written in
 * place. */
bool npy_write(Ctx *c, const char *path, const NpyArray *a);
/* Writes n arrays, a[i] to paths[i], all or none (out_commit): an error
 * leaves the old files (a failed rename, which needs another process's
 * help, may still leave the first ones renamed). */
bool npy_write_all(Ctx *c, const char *const *paths, const NpyArray *a, int n);

/* ------------------------------------------------------------ interp_ */

/* One evaluated tensor: n elements of the node's type (b1 as int8 -1/+1). */
typedef struct {
    DType type;
    int64_t n;
    float *f;                  /* f32 */
    int32_t *i;                /* i32 */
    uint8_t *u;                /* u8 */
    int8_t *b;                 /* b1: -1 or +1 */
} Tensor;

/* Evaluates graph g (checked, before the passes) on the given inputs (one
 * per network input, in order) with parameters w; fills one Value per
 * network output, in order. Returns false after reporting (an input of
 * the wrong size or type). */
bool interp_run(Ctx *c, const IrGraph *g, const Weights *w, const Tensor *inputs,
                Tensor *outputs);
/* The same, writing each output into the caller's outputs[i]: its type and
 * n must be the output's, its data (f, i, u or b) room for n elements
 * (`bnnc run` on a batch: item k's outputs straight into the stacked
 * arrays). Nothing is kept in the arena. */
bool interp_run_into(Ctx *c, const IrGraph *g, const Weights *w, const Tensor *inputs,
                     Tensor *outputs);

/* -------------------------------------------------------------- emit_ */

/* Output positions a binary convolution's kernel runs through all of its
 * weights for (bnn_block_pop4): the cost model's weight passes follow it. */
#define EMIT_BCONV_BLOCK 4
/* Writes NAME.h, NAME.c and NAME_weights.c for graph g (after the
 * passes, compressed for t) into folder dir (made if missing), all or
 * none (out_open, out_commit): their temporaries in dir itself, every
 * destination checked before any is replaced. Returns false after
 * reporting. */
bool emit_c(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w, const char *dir);
/* The same, each layer split into `threads` parts run by bnn_parallel_for
 * (runtime/bnn_threads.h) when threads > 1 (docs/codegen.md, "Threads"). */
bool emit_c_threads(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w,
                    const char *dir, int threads);
/* The parameters' layout in NAME_weights.c (emit_fits.c): each const
 * array takes a whole number of emit_param_align(t) bytes, zero elements
 * at its end, so that no compiler pads between the arrays and the file's
 * .rodata is the sum of their sizes: NAME_WEIGHT_BYTES, and the report's
 * packed weights plus float parameters (cost.c rounds each array up so). */
int emit_param_align(const CostTarget *t);
/* The bytes an array of `bytes` bytes takes: rounded up to the unit. */
int64_t emit_param_bytes(const CostTarget *t, int64_t bytes);
/* NAME: the C identifier of a network's files and functions. */
const char *emit_name(Ctx *c, const IrGraph *g);
/* The binary kernels of t's flavour (bnn_word, BNN_W, BNN_L,
 * bnn_block_pop): the library's flavour header with its includes
 * expanded (runtime_expand), what bnnc calibrate times. */
void emit_kernels(Ctx *c, const CostTarget *t, FILE *f);

/* The kernel library (runtime/ headers), linked into bnnc as data by
 * cmake/embed_runtime.cmake, sorted by name; emit_runtime.c. */
typedef struct {
    const char *name;          /* "bnn_kernels.h" */
    const unsigned char *text; /* size bytes, then a NUL */
    size_t size;
} RuntimeFile;
extern const RuntimeFile runtime_files[];
extern const int runtime_nfiles;
/* The library file of that name, or NULL. */
const RuntimeFile *runtime_file(const char *name);
/* The flavour header of t's `kernels` on t's word (runtime/README.md). */
const char *runtime_flavour(const CostTarget *t);
/* Marks used[i] for file name and every file it includes, in turn
 * (used: runtime_nfiles flags). */
void runtime_closure(const char *name, bool *used);
/* Writes file name into out with its includes of library files expanded
 * in place, each once (done: runtime_nfiles flags). */
void runtime_expand(FILE *out, const char *name, bool *done);

/* ------------------------------------------------------ host_ bench_ */

/* A fresh scratch folder (TMPDIR or /tmp), or NULL after reporting. */
char *host_tmpdir(Ctx *c);
void host_rmtree(const char *dir);
/* Builds srcs into prog with $CC (else cc) -std=c99 -O3 -march=native
 * -DBNN_TIMING -pthread, without a shell; false after reporting the compiler's
 * first messages. */
bool host_compile(Ctx *c, const char *dir, const char *prog, const char *const *srcs, int nsrc);
/* Runs argv (argv[0] a path) and returns its standard output, or NULL
 * after reporting a failure. */
char *host_run(Ctx *c, const char *dir, char *const *argv);

typedef struct {
    MemModel model;
    int reps;                  /* 0: as many as fit in about a second */
    bool json;
    int threads;               /* parts of each layer in the code timed (--threads) */
} BenchOptions;

/* Times g's emitted code for t on this machine: the median whole
 * inference and each layer's mean time (seconds; layers indexed like the
 * estimate's, nlayers of them); false after reporting. */
bool bench_measure(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w, int reps,
                   double *whole, int *nreps, double *layers, int nlayers);
/* The same for the code of --threads N (emit_c_threads). */
bool bench_measure_threads(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w,
                           int reps, int threads, double *whole, int *nreps, double *layers,
                           int nlayers);
/* `bnnc calibrate`: writes a target description of this machine to
 * out_path (target `name`), from micro-benchmarks of the emitted code. */
int calibrate_run(Ctx *c, const char *out_path, const char *name);
/* This machine's clock in Hz, measured like bnnc calibrate does (a chain
 * of dependent adds, best of three); false after reporting. */
bool calibrate_clock(Ctx *c, double *hz);
/* Whether this machine runs kernels of flavour `kernels` (the portable
 * ones always; neon on AArch64; avx512, avx2, popcnt per /proc/cpuinfo). */
bool calibrate_host_runs(const char *kernels);
/* The calibration networks, as .bnn text (bnnc calibrate --networks). */
const char *calibrate_networks(void);
/* `bnnc calibrate --from CYCLES --target T`: the same fits as
 * calibrate_run over per-layer cycles had elsewhere (an instruction
 * model, tools/mca), written as T's cost and ops sections to out_path
 * (atomically) or standard output; `source` says where the cycles came
 * from. */
int calibrate_derive(Ctx *c, const char *cycles, const char *target, const char *out_path,
                     const char *source);
/* `bnnc bench`: measures g's emitted code for t on this machine and
 * compares it with the forward estimate on one thread. */
int bench_run(Ctx *c, const IrGraph *g, const CostTarget *t, const Weights *w,
              const BenchOptions *o);
/* False after reporting when g's tensors or its arena (plan p) are too
 * large for the generated code (BNNC_MAX_EMIT); emit_c checks it first. */
bool emit_c_fits(Ctx *c, const IrGraph *g, const Plan *p, int word);

/* --------------------------------------------------------------- cmd_ */

/* `bnnc run ...`: argv[0] is "run". Returns the exit status. */
int cmd_run(int argc, char **argv);
/* `bnnc weights ...`: argv[0] is "weights". Returns the exit status. */
int cmd_weights(int argc, char **argv);
/* How a .npy array of shape dims (rank) holds the items of a batch for an
 * input of shape s (docs/weights.md section 3): BATCH_ONE, s itself;
 * BATCH_STACKED, [N] + s; BATCH_AXIS, when s[0] is 1, [N] + s[1:] with N
 * not 1; BATCH_NONE, none of these. *items is N (1 for BATCH_ONE). */
typedef enum { BATCH_NONE, BATCH_ONE, BATCH_STACKED, BATCH_AXIS } BatchKind;
BatchKind run_batch_kind(const Shape *s, int rank, const int64_t *dims, int64_t *items);
/* The shape of an output of shape out for a batch of `items` given as k:
 * out itself (BATCH_ONE); [N] + out (BATCH_STACKED); out with N in place
 * of its first dimension when that is 1, else [N] + out (BATCH_AXIS). */
void run_batch_shape(BatchKind k, int64_t items, const Shape *out, int *rank, int64_t *dims);

/* --------------------------------------------------------------- cli_ */

/* Prints "bnnc: error: ..." and a pointer to `cmd --help`; EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/* The name nearest s (ops_suggest) among v's elements, whose name is the
 * `const char *` at byte off of each; NULL when none is near. */
const char *cli_nearest(Ctx *c, const char *s, const PtrVec *v, size_t off);
/* The commands, as bits of a mask (CliOpt.cmds, CliOpt.help). */
enum { CMD_BNNC = 1, CMD_BENCH = 2, CMD_RUN = 4, CMD_IMPORT = 8, CMD_CALIBRATE = 16,
       CMD_WEIGHTS = 32 };

/* How an option takes its value. */
typedef enum {
    CLI_FLAG,   /* none: NAME exactly */
    CLI_VALUE,  /* NAME VALUE or NAME=VALUE (-o too: -o DIR, -o=DIR); a
                   later value replaces an earlier one */
    CLI_ONCE,   /* the same, but a second use is an error ("-o is given
                   twice"): a file to write or read, where the user cannot
                   mean two */
    CLI_EQUALS, /* NAME=VALUE only (--color=WHEN) */
    CLI_JOINED, /* NAME VALUE or NAMEVALUE (-I DIR, -IDIR) */
    CLI_SUFFIX  /* NAMEVALUE only, VALUE not empty (-fPASS) */
} CliArg;

/* What an option does; a command's handler switches on it. */
typedef enum {
    OPT_HELP, OPT_INCLUDE, OPT_COLOR, /* every command's; cli_parse's own */
    OPT_VERSION, OPT_DUMP_IR, OPT_PRINT_TABLES, OPT_LIST_TARGETS, OPT_NO_CATALOG,
    OPT_REPORT, OPT_TARGET, OPT_NETWORK, OPT_EXPLAIN, OPT_EMIT, OPT_OUT, OPT_WEIGHTS,
    OPT_SEED, OPT_REPS, OPT_CLOCK, OPT_FORMAT, OPT_THREADS, OPT_SOLVE_FPS, OPT_TARGETS,
    OPT_RANK, OPT_MAX_PRICE, OPT_MAX_POWER, OPT_CLASS, OPT_MEMORY_MODEL, OPT_DUMP_AFTER,
    OPT_O0, OPT_O1, OPT_PASS, OPT_INPUT, OPT_OUTPUT, OPT_NETWORKS, OPT_NAME, OPT_FROM,
    OPT_SOURCE, OPT_TEMPLATE
} OptId;

/* One row of the option table of every command (cli_options, cli.c):
 * the parsers (cli_parse), the --help lists (cli_help) and the "did you
 * mean" suggestions all come from it. A name appears at most once among
 * the rows a command takes; a row with cmds 0 is a line of a --help only
 * (bnnc bench lists a few of the options it shares with bnnc, in its own
 * words). */
typedef struct {
    const char *name;  /* "--target", "-o", "-f" */
    CliArg arg;
    OptId id;
    unsigned cmds;     /* the commands that take it (CMD_ bits) */
    unsigned help;     /* the commands whose --help lists this line */
    const char *spell; /* --help's left column: "--target T" */
    const char *text;  /* --help's right column, lines split by '\n' */
} CliOpt;
extern const CliOpt cli_options[];
extern const int cli_noptions;

/* A command: its name in messages ("bnnc run"), its bit, and the text of
 * its --help before and after the options (the text after is a printf
 * format given the stdlib folder). */
typedef struct {
    const char *name;
    unsigned bit;
    const char *head, *foot;
} CliCmd;

/* Called by cli_parse with each option the command takes (and its value,
 * NULL for a flag) and each operand (o NULL), in order; returns EXIT_OK,
 * a usage error (cli_usage_error), or -1 to stop with EXIT_OK. */
typedef int (*CliFn)(Ctx *c, void *st, const CliOpt *o, const char *value);
/* Parses argv[1..] of cmd with getopt_long over the rows of cli_options
 * it takes: options and operands in any order, each spelled exactly
 * (no abbreviation, no grouping of short options); -h/--help prints
 * cli_help and returns -1, -I DIR and --color=WHEN go to the context,
 * the rest to fn. Returns EXIT_OK, EXIT_USAGE after reporting, or -1. */
int cli_parse(Ctx *c, const CliCmd *cmd, int argc, char **argv, CliFn fn, void *st);
/* cmd's --help: head, the table's lines for cmd, foot. */
void cli_help(FILE *f, const CliCmd *cmd);
/* "unknown option 'a'" as a usage error of cmd, with the nearest option
 * cmd takes (ops_suggest), if one is near. */
int cli_unknown_option(Ctx *c, const CliCmd *cmd, const char *a);
/* The import search path after the -I folders: BNNC_PATH, the stdlib. */
void cli_search_path(Ctx *c);
/* --seed of command cmd: a decimal from 0 to 2^64 - 1 into *out, EXIT_OK;
 * else the usage error (cli_usage_error) that says so. */
int cli_seed(const char *cmd, const char *s, uint64_t *out);
/* The network called name, or the one the main file declares; NULL after
 * reporting (`what` the command does with it: "run", "estimate"). */
IrGraph *cli_network(Ctx *c, const IrModule *m, const char *name, const char *what);
/* The exit status of a command that returned rc (< 0: --help): checks
 * that standard output was written, frees the context. */
int cli_finish(Ctx *c, int rc);

/* ---------------------------------------------------------------- Ctx */

/* A declaration found while loading: network, block or target. */
typedef struct {
    Ast *ast;
    int file;
    bool weak;               /* from the implicit catalog: a name the
                                program declares itself wins */
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
    int soft_errors;         /* errors after which checking goes on (a
                                missing or misplaced 'bnn 1;'): load_ goes
                                on, sema_run then fails */
    int shown;               /* errors printed */
    bool color;
    bool stopped;            /* too many errors: stop reporting */
    bool quiet_notes;        /* the last error was not printed */
    bool defer;              /* diagnostics are held (diag_defer) */
    DiagHeld held;
    bool loading_weak;       /* declarations being loaded are weak */
    Loc last_loc;            /* of the last diagnostic printed */
    FILE *err;
};

void ctx_init(Ctx *c);
void ctx_free(Ctx *c);
/* The standard library folder (ctx.c, docs/bnnc.1 ENVIRONMENT): the one
 * BNNC_STDLIB names; else, for the bnnc of its build folder, the source
 * tree's; else the installed one beside the executable. NULL when the
 * executable's folder is unknown. */
const char *ctx_stdlib_dir(void);
/* NULL when ctx_stdlib_dir() is a folder; else what is missing and where
 * bnnc looked, for a message: "no standard library folder '...' (...)". */
const char *ctx_stdlib_problem(void);
/* main's argv[0]: how the executable is found where /proc is absent. */
void ctx_set_argv0(const char *argv0);
/* The absolute path, free of links, of the executable run as argv0: a
 * path, or a bare name looked up on path (PATH's ':'-separated form);
 * false when there is none. out holds PATH_MAX bytes. */
bool ctx_find_exe(const char *argv0, const char *path, char *out);

#endif
