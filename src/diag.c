/*
 * diag.c: diagnostics.
 *
 * Every message reads "file:line:col: error: message", followed by the
 * source line and a caret with an underline under the offending text, as
 * gcc and clang print them, so editors and people parse them alike.
 * Notes follow the error they explain; for code expanded from a block,
 * one note per expansion site points at the call (of a long chain, the
 * first sites and the last: diag_origins). Colour is used only on a
 * terminal and never when NO_COLOR is set.
 *
 * While the front end runs (diag_defer to diag_flush) errors and warnings
 * are held, each rendered with its notes, and printed at the end sorted
 * by file (in the order read), line and column; a diagnostic without a
 * location prints what is held first. After BNNC_MAX_ERRORS errors, in
 * that order, the rest are counted but not printed: only the first ones
 * are held, so a million errors take the memory of twenty.
 */
#include "bnnc.h"

#include <stdlib.h>
#include <string.h>

#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAG "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_OFF "\033[0m"

Loc loc_none(void) { return (Loc){-1, 0, 0, 0, 0}; }

Loc loc_span(Loc a, Loc b) {
    if (a.file != b.file)
        return a;
    return (Loc){a.file, a.line, a.col, b.end_line, b.end_col};
}

static const char *col(Ctx *c, const char *code) { return c->color ? code : ""; }

static bool is_cont(unsigned char b) { return (b & 0xC0) == 0x80; }

/* Prints the source line of `loc` with a caret and underline. Long lines
 * are shown as a window around the column. */
static void show_line(Ctx *c, Loc loc) {
    int len;
    const char *s = src_line(c, loc.file, loc.line, &len);
    if (!s)
        return;
    int from = 0, to = len; /* byte range shown */
    int ch = 1, i = 0;
    /* Byte offset of the caret's character. */
    int caret = len;
    for (i = 0; i < len; i++) {
        if (is_cont((unsigned char)s[i]))
            continue;
        if (ch == loc.col) {
            caret = i;
            break;
        }
        ch++;
    }
    if (len > 160) {
        from = caret > 70 ? caret - 70 : 0;
        while (from > 0 && is_cont((unsigned char)s[from]))
            from--;
        to = from + 150 < len ? from + 150 : len;
        while (to < len && is_cont((unsigned char)s[to]))
            to++;
    }
    FILE *e = c->err;
    fprintf(e, "%5d | %s", loc.line, from > 0 ? "..." : "");
    for (i = from; i < to;) {
        unsigned char b = (unsigned char)s[i];
        int n = src_utf8_len((const unsigned char *)s + i, (size_t)(len - i));
        if (n == 0 || (b < 0x20 && b != '\t') || b == 0x7F) {
            fputc('?', e); /* never echo raw control or invalid bytes */
            i++;
            continue;
        }
        fwrite(s + i, 1, (size_t)n, e);
        i += n;
    }
    fprintf(e, "%s\n", to < len ? "..." : "");
    fprintf(e, "      | %s", from > 0 ? "   " : "");
    for (i = from; i < caret && i < to; i++) {
        if (is_cont((unsigned char)s[i]))
            continue;
        fputc(s[i] == '\t' ? '\t' : ' ', e);
    }
    fputs(col(c, C_GREEN), e);
    fputc('^', e);
    int width = 1;
    if (loc.end_line == loc.line && loc.end_col > loc.col)
        width = loc.end_col - loc.col;
    else if (loc.end_line > loc.line) {
        /* Underline to the end of the line. */
        int chars = 0;
        for (int k = caret; k < to; k++)
            if (!is_cont((unsigned char)s[k]))
                chars++;
        width = chars > 0 ? chars : 1;
    }
    if (width > 150)
        width = 150;
    for (int k = 1; k < width; k++)
        fputc('~', e);
    fprintf(e, "%s\n", col(c, C_OFF));
}

/* A held error or warning with its notes, as they will be printed. */
struct DiagEntry {
    int file, line, col;
    bool error;
    char *text;
    size_t len;
};

static void header(Ctx *c, FILE *e, DiagKind k, Loc loc) {
    static const char *const label[] = {"error", "warning", "note"};
    const char *const colour[] = {C_RED, C_MAG, C_CYAN};
    if (loc.file >= 0 && loc.file < c->files.n) {
        SrcFile *f = c->files.v[loc.file];
        fprintf(e, "%s%s:%d:%d:%s ", col(c, C_BOLD), f->path, loc.line, loc.col,
                col(c, C_OFF));
    } else {
        fprintf(e, "%sbnnc:%s ", col(c, C_BOLD), col(c, C_OFF));
    }
    fprintf(e, "%s%s:%s %s", col(c, colour[k]), label[k], col(c, C_OFF), col(c, C_BOLD));
}

/* Writes one diagnostic to e: its header, message and source line. */
static void render(Ctx *c, FILE *e, DiagKind k, Loc loc, const char *fmt, va_list ap) {
    header(c, e, k, loc);
    vfprintf(e, fmt, ap);
    fprintf(e, "%s\n", col(c, C_OFF));
    /* A note at the spot just shown does not repeat the line. */
    bool same = k == DIAG_NOTE && memcmp(&loc, &c->last_loc, sizeof loc) == 0;
    if (loc.file >= 0 && loc.line > 0 && !same) {
        FILE *saved = c->err;
        c->err = e;
        show_line(c, loc);
        c->err = saved;
    }
    c->last_loc = loc;
}

/* The order of held entries: file, line, column; equal places keep the
 * order they were reported in. */
static int place_cmp(int f1, int l1, int c1, int f2, int l2, int c2) {
    if (f1 != f2)
        return f1 < f2 ? -1 : 1;
    if (l1 != l2)
        return l1 < l2 ? -1 : 1;
    if (c1 != c2)
        return c1 < c2 ? -1 : 1;
    return 0;
}

static int entry_cmp(const DiagEntry *a, int f, int l, int cl) {
    return place_cmp(a->file, a->line, a->col, f, l, cl);
}

static void entry_free(DiagEntry *d) {
    free(d->text);
    free(d);
}

static void print_stop(Ctx *c) {
    if (!c->stopped)
        fprintf(c->err, "bnnc: too many errors (%d); stopping\n", BNNC_MAX_ERRORS);
    c->stopped = true;
}

void diag_defer(Ctx *c) { c->defer = true; }

/* Prints and drops what is held, up to the limit of errors. */
static void print_held(Ctx *c) {
    DiagHeld *h = &c->held;
    for (int i = 0; i < h->n; i++) {
        DiagEntry *d = h->v[i];
        if (d->error && c->shown >= BNNC_MAX_ERRORS)
            print_stop(c);
        if (!c->stopped) {
            fwrite(d->text, 1, d->len, c->err);
            if (d->error)
                c->shown++;
        }
        entry_free(d);
    }
    if (h->dropped > 0)
        print_stop(c);
    free(h->v);
    *h = (DiagHeld){0};
}

void diag_flush(Ctx *c) {
    print_held(c);
    c->defer = false;
}

/* Drops held entries from index i on. */
static void held_truncate(DiagHeld *h, int i) {
    for (int k = i; k < h->n; k++) {
        if (h->v[k]->error)
            h->errors--;
        if (h->v[k] == h->open)
            h->open = NULL;
        entry_free(h->v[k]);
    }
    h->n = i < h->n ? i : h->n;
}

/* Drops an error at (f, l, cl), past the limit: it and what sorts after it
 * are never printed. */
static void held_cut(DiagHeld *h, int f, int l, int cl) {
    if (!h->cut || place_cmp(f, l, cl, h->cut_file, h->cut_line, h->cut_col) < 0) {
        h->cut = true;
        h->cut_file = f, h->cut_line = l, h->cut_col = cl;
    }
    int i = h->n;
    while (i > 0 && entry_cmp(h->v[i - 1], f, l, cl) > 0)
        i--;
    held_truncate(h, i);
}

/* Holds an error or warning at loc; false when it is dropped (the limit). */
static bool hold(Ctx *c, DiagKind k, Loc loc, const char *fmt, va_list ap) {
    DiagHeld *h = &c->held;
    bool error = k == DIAG_ERROR;
    int f = loc.file, l = loc.line, cl = loc.col;
    h->open = NULL;
    if (h->cut && place_cmp(f, l, cl, h->cut_file, h->cut_line, h->cut_col) >= 0) {
        if (error)
            h->dropped++;
        return false;
    }
    int room = BNNC_MAX_ERRORS - c->shown;
    if (error && h->errors >= room) {
        /* The last held error, or this one, goes. */
        int last = h->n - 1;
        while (last >= 0 && !h->v[last]->error)
            last--;
        h->dropped++;
        if (last < 0 || entry_cmp(h->v[last], f, l, cl) <= 0) {
            held_cut(h, f, l, cl);
            return false;
        }
        DiagEntry *x = h->v[last];
        held_cut(h, x->file, x->line, x->col);
        held_truncate(h, last); /* x itself, held before anything equal to it */
    }
    DiagEntry *d = xmalloc(sizeof *d);
    *d = (DiagEntry){f, l, cl, error, NULL, 0};
    FILE *m = open_memstream(&d->text, &d->len);
    if (!m) {
        free(d);
        fputs("bnnc: out of memory\n", stderr);
        exit(EXIT_INTERNAL);
    }
    render(c, m, k, loc, fmt, ap);
    fclose(m);
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 16;
        h->v = xrealloc(h->v, (size_t)h->cap * sizeof *h->v);
    }
    int i = h->n;
    while (i > 0 && entry_cmp(h->v[i - 1], f, l, cl) > 0) {
        h->v[i] = h->v[i - 1];
        i--;
    }
    h->v[i] = d;
    h->n++;
    if (error)
        h->errors++;
    h->open = d;
    return true;
}

/* Appends a note to the held entry it belongs to. */
static void hold_note(Ctx *c, Loc loc, const char *fmt, va_list ap) {
    DiagEntry *d = c->held.open;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) {
        fputs("bnnc: out of memory\n", stderr);
        exit(EXIT_INTERNAL);
    }
    render(c, m, DIAG_NOTE, loc, fmt, ap);
    fclose(m);
    d->text = xrealloc(d->text, d->len + len + 1);
    memcpy(d->text + d->len, text, len + 1);
    d->len += len;
    free(text);
}

void diag_vemit(Ctx *c, DiagKind k, Loc loc, const char *fmt, va_list ap) {
    bool located = loc.file >= 0 && loc.file < c->files.n;
    if (k == DIAG_ERROR)
        c->errors++;
    else if (k == DIAG_WARNING)
        c->warnings++;
    if (k != DIAG_NOTE && c->defer && located) {
        c->quiet_notes = !hold(c, k, loc, fmt, ap);
        return;
    }
    if (k == DIAG_NOTE) {
        if (c->quiet_notes)
            return;
        if (c->held.open) {
            hold_note(c, loc, fmt, ap);
            return;
        }
        if (c->stopped)
            return;
        render(c, c->err, k, loc, fmt, ap);
        return;
    }
    /* Printed at once: what is held comes first. */
    if (c->held.n || c->held.dropped)
        print_held(c);
    c->held.open = NULL;
    if (k == DIAG_ERROR && c->shown >= BNNC_MAX_ERRORS)
        print_stop(c);
    if (c->stopped) {
        c->quiet_notes = true;
        return;
    }
    c->quiet_notes = false;
    if (k == DIAG_ERROR)
        c->shown++;
    render(c, c->err, k, loc, fmt, ap);
}

void diag_emit(Ctx *c, DiagKind k, Loc loc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(c, k, loc, fmt, ap);
    va_end(ap);
}

#define DIAG_FN(fn, kind)                                  \
    void fn(Ctx *c, Loc loc, const char *fmt, ...) {       \
        va_list ap;                                        \
        va_start(ap, fmt);                                 \
        diag_vemit(c, kind, loc, fmt, ap);                 \
        va_end(ap);                                        \
    }
DIAG_FN(diag_error, DIAG_ERROR)
DIAG_FN(diag_warn, DIAG_WARNING)
DIAG_FN(diag_note, DIAG_NOTE)

void diag_error_at(Ctx *c, Loc loc, const Origin *o, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(c, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
    diag_origins(c, o);
}

bool diag_chain_note(Ctx *c, int i, int n, const char *what) {
    if (n <= DIAG_CHAIN_MAX || i < DIAG_CHAIN_HEAD || i == n - 1)
        return true;
    if (i == DIAG_CHAIN_HEAD)
        diag_note(c, loc_none(), "[ skipping %d %s ]", n - DIAG_CHAIN_HEAD - 1, what);
    return false;
}

void diag_origins(Ctx *c, const Origin *o) {
    int n = 0;
    for (const Origin *p = o; p; p = p->up)
        n++;
    const Origin *from = o; /* the first site left out */
    for (int i = 0; o; o = o->up, i++) {
        if (n > DIAG_CHAIN_MAX && i == DIAG_CHAIN_HEAD)
            from = o;
        if (n > DIAG_CHAIN_MAX && i == n - 2)
            diag_note(c, loc_none(), "[ skipping %d expansions, of blocks '%s' to '%s' ]",
                      n - DIAG_CHAIN_HEAD - 1, from->block, o->block);
        if (n <= DIAG_CHAIN_MAX || i < DIAG_CHAIN_HEAD || i == n - 1)
            diag_note(c, o->call, "in block '%s' expanded here", o->block);
    }
}

void diag_plain(Ctx *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(c, DIAG_ERROR, loc_none(), fmt, ap);
    va_end(ap);
}
