/*
 * diag.c: diagnostics.
 *
 * Every message reads "file:line:col: error: message", followed by the
 * source line and a caret with an underline under the offending text, as
 * gcc and clang print them, so editors and people parse them alike.
 * Notes follow the error they explain; for code expanded from a block,
 * one note per expansion site points at the call. Colour is used only on
 * a terminal and never when NO_COLOR is set. After BNNC_MAX_ERRORS errors
 * the rest are counted but not printed.
 */
#include "bnnc.h"

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

void diag_vemit(Ctx *c, DiagKind k, Loc loc, const char *fmt, va_list ap) {
    if (k == DIAG_ERROR) {
        c->errors++;
        if (c->errors > BNNC_MAX_ERRORS) {
            if (!c->stopped)
                fprintf(c->err, "bnnc: too many errors (%d); stopping\n",
                        BNNC_MAX_ERRORS);
            c->stopped = true;
            c->quiet_notes = true;
            return;
        }
        c->quiet_notes = false;
    } else if (k == DIAG_WARNING) {
        c->warnings++;
        if (c->stopped)
            return;
        c->quiet_notes = false;
    } else if (c->quiet_notes || c->stopped) {
        return;
    }
    static const char *const label[] = {"error", "warning", "note"};
    const char *const colour[] = {C_RED, C_MAG, C_CYAN};
    FILE *e = c->err;
    if (loc.file >= 0 && loc.file < c->files.n) {
        SrcFile *f = c->files.v[loc.file];
        fprintf(e, "%s%s:%d:%d:%s ", col(c, C_BOLD), f->path, loc.line, loc.col,
                col(c, C_OFF));
    } else {
        fprintf(e, "%sbnnc:%s ", col(c, C_BOLD), col(c, C_OFF));
    }
    fprintf(e, "%s%s:%s %s", col(c, colour[k]), label[k], col(c, C_OFF),
            col(c, C_BOLD));
    vfprintf(e, fmt, ap);
    fprintf(e, "%s\n", col(c, C_OFF));
    /* A note at the spot just shown does not repeat the line. */
    bool same = k == DIAG_NOTE && memcmp(&loc, &c->last_loc, sizeof loc) == 0;
    if (loc.file >= 0 && loc.line > 0 && !same)
        show_line(c, loc);
    c->last_loc = loc;
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
    for (; o; o = o->up)
        diag_note(c, o->call, "in block '%s' expanded here", o->block);
}

void diag_plain(Ctx *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(c, DIAG_ERROR, loc_none(), fmt, ap);
    va_end(ap);
}
