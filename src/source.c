/*
 * source.c: source files and their raw bytes.
 *
 * A file is read whole, NUL-terminated, and indexed by line. Before the
 * scanner sees it, src_validate checks the bytes: the scanner may then
 * assume well-formed UTF-8 text without NUL or stray control bytes and
 * with bounded lines, so that no input can make it misbehave and every
 * complaint about the bytes carries a line and a column.
 *
 * Every file bnnc reads by name (a .bnn file, an import, weights, a .npy
 * array) is opened by src_open: a regular file only, never a folder, a
 * device or a FIFO, and every read is bounded (docs/robustness.md
 * section 2).
 */
#include "bnnc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SRC_MAX_BYTES ((size_t)64 << 20)

/* An error at `from` (a null location: none). */
static void report(Ctx *c, Loc from, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(Ctx *c, Loc from, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(c, DIAG_ERROR, from, fmt, ap);
    va_end(ap);
}

const char *src_file_kind(unsigned mode) {
    if (S_ISREG(mode))
        return NULL;
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISFIFO(mode))
        return "a pipe (FIFO)";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

static void refuse(Ctx *c, Loc from, const char *path, const char *is, const char *kind) {
    report(c, from, "'%s' is %s, not a %s file", path, is, kind);
}

FILE *src_open(Ctx *c, const char *path, const char *what, const char *kind, Loc from,
               int64_t *size) {
    /* stat first, so that a device is never opened (opening one may act:
     * a tape rewinds, a watchdog starts); then fstat on the descriptor, in
     * case the path changed in between. O_NONBLOCK: opening a FIFO that
     * took the path meanwhile does not wait for a writer. */
    struct stat st;
    const char *is = NULL;
    if (stat(path, &st) == 0 && (is = src_file_kind(st.st_mode)) != NULL) {
        refuse(c, from, path, is, kind);
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        report(c, from, "cannot open %s'%s': %s", what, path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || (is = src_file_kind(st.st_mode)) != NULL) {
        if (is)
            refuse(c, from, path, is, kind);
        else
            report(c, from, "cannot read %s'%s': %s", what, path, strerror(errno));
        close(fd);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        report(c, from, "cannot read %s'%s': %s", what, path, strerror(errno));
        close(fd);
        return NULL;
    }
    *size = (int64_t)st.st_size;
    return f;
}

static void index_lines(Ctx *c, SrcFile *f) {
    int n = 1;
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] == '\n')
            n++;
    f->line_start = mem_array(&c->arena, (size_t)n + 1, sizeof(int));
    f->nlines = n;
    int k = 0;
    f->line_start[k++] = 0;
    for (size_t i = 0; i < f->len; i++)
        if (f->text[i] == '\n')
            f->line_start[k++] = (int)(i + 1);
    f->line_start[k] = (int)f->len + 1;
}

int src_add_text(Ctx *c, const char *name, const char *text, size_t len) {
    SrcFile *f = mem_alloc(&c->arena, sizeof *f);
    f->path = mem_strdup(&c->arena, name);
    f->real = f->path;
    f->text = mem_strndup(&c->arena, text, len);
    f->len = len;
    index_lines(c, f);
    vec_push(&c->arena, &c->files, f);
    return c->files.n - 1;
}

int src_load(Ctx *c, const char *path, const char *real, Loc from) {
    bool is_stdin = strcmp(path, "-") == 0;
    int64_t size = 0;
    /* The file named on the command line may be a pipe (bnnc <(gen)),
     * read as standard input is, within the same bound; an import may not. */
    struct stat st;
    bool pipe = !is_stdin && from.file < 0 && stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
    FILE *fp = is_stdin ? stdin
               : pipe   ? fopen(path, "rb")
                        : src_open(c, path, "", ".bnn", from, &size);
    if (pipe && !fp)
        report(c, from, "cannot open '%s': %s", path, strerror(errno));
    if (!fp)
        return -1;
    const char *name = is_stdin ? "<stdin>" : path;
    if (size > (int64_t)SRC_MAX_BYTES) {
        report(c, from, "cannot read '%s': file is larger than %zu MiB", name,
               SRC_MAX_BYTES >> 20);
        fclose(fp);
        return -1;
    }
    /* At most 64 MiB, whatever the size said (a file of /proc has 0, and
     * standard input may be anything). */
    size_t cap = 4096, len = 0;
    char *buf = xmalloc(cap);
    bool too_big = false, failed = false;
    for (;;) {
        if (len == cap) {
            if (cap >= SRC_MAX_BYTES) {
                too_big = true;
                break;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            failed = ferror(fp) != 0;
            break;
        }
    }
    int err = errno;
    if (!is_stdin)
        fclose(fp);
    if (too_big || failed) {
        if (too_big)
            report(c, from, "cannot read '%s': file is larger than %zu MiB", name,
                   SRC_MAX_BYTES >> 20);
        else
            report(c, from, "cannot read '%s': %s", name, strerror(err));
        free(buf);
        return -1;
    }
    int id = src_add_text(c, name, buf, len);
    free(buf);
    SrcFile *f = c->files.v[id];
    if (real)
        f->real = mem_strdup(&c->arena, real);
    return id;
}

const char *src_line(Ctx *c, int file, int line, int *len) {
    if (file < 0 || file >= c->files.n)
        return NULL;
    SrcFile *f = c->files.v[file];
    if (line < 1 || line > f->nlines)
        return NULL;
    int b = f->line_start[line - 1];
    int e = f->line_start[line] - 1; /* the newline, or len */
    if (e > (int)f->len)
        e = (int)f->len;
    if (e > b && f->text[e - 1] == '\r')
        e--;
    *len = e - b;
    return f->text + b;
}

int src_utf8_len(const unsigned char *p, size_t avail) {
    unsigned char b = p[0];
    int n;
    uint32_t cp;
    if (b < 0x80)
        return 1;
    else if ((b & 0xE0) == 0xC0)
        n = 2, cp = b & 0x1F;
    else if ((b & 0xF0) == 0xE0)
        n = 3, cp = b & 0x0F;
    else if ((b & 0xF8) == 0xF0)
        n = 4, cp = b & 0x07;
    else
        return 0;
    if ((size_t)n > avail)
        return 0;
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

bool src_validate(Ctx *c, int file) {
    SrcFile *f = c->files.v[file];
    const unsigned char *t = (const unsigned char *)f->text;
    /* A NUL byte means this is not text at all: say so once. */
    const char *nul = memchr(f->text, 0, f->len);
    if (nul) {
        size_t off = (size_t)(nul - f->text);
        int ln = 1, cl = 1;
        for (size_t i = 0; i < off; i++) {
            if (t[i] == '\n')
                ln++, cl = 1;
            else if ((t[i] & 0xC0) != 0x80)
                cl++;
        }
        diag_error(c, (Loc){file, ln, cl, ln, cl + 1}, "file contains a NUL byte");
        diag_note(c, loc_none(), "'%s' does not look like a .bnn text file", f->path);
        return false;
    }
    int line = 1, col = 1, reported = 0;
    size_t line_begin = 0;
    bool long_reported = false;
    for (size_t i = 0; i < f->len && reported < 3;) {
        Loc at = {file, line, col, line, col + 1};
        unsigned char b = t[i];
        if (b == '\n') {
            line++, col = 1, line_begin = i + 1;
            long_reported = false;
            i++;
            continue;
        }
        if (!long_reported && i - line_begin >= BNNC_MAX_LINE) {
            diag_error(c, (Loc){file, line, 1, line, 1},
                       "line %d is longer than %d bytes", line, BNNC_MAX_LINE);
            long_reported = true;
            reported++;
        }
        if (b < 0x20 && b != '\t' && b != '\r') {
            diag_error(c, at, "invalid control character 0x%02X", b);
            reported++;
            i++, col++;
            continue;
        }
        if (b == 0x7F) {
            diag_error(c, at, "invalid control character 0x7F");
            reported++;
            i++, col++;
            continue;
        }
        int n = src_utf8_len(t + i, f->len - i);
        if (n == 0) {
            diag_error(c, at, "invalid UTF-8 byte 0x%02X", b);
            reported++;
            n = 1;
        }
        i += (size_t)n;
        col++;
    }
    return reported == 0;
}

bool src_read_upto(Ctx *c, FILE *f, const char *path, unsigned char *buf, size_t n,
                   size_t *got) {
    *got = fread(buf, 1, n, f);
    if (*got < n && ferror(f)) {
        diag_plain(c, "cannot read '%s': %s", path, strerror(errno));
        return false;
    }
    return true;
}

bool src_read_rest(Ctx *c, FILE *f, const char *path, size_t max, size_t hint,
                   unsigned char **buf, size_t *len) {
    /* Room for what fstat said, else 64 KiB, doubled as needed: a file
     * that says it is large but is not takes only what it holds. */
    size_t cap = hint && hint <= max ? hint + 1 : max < 65536 ? max + 1 : 65536, n = 0;
    unsigned char *b = xmalloc(cap);
    for (;;) {
        size_t got;
        if (!src_read_upto(c, f, path, b + n, cap - n, &got)) {
            free(b);
            return false;
        }
        n += got;
        if (n < cap || n > max)
            break;
        cap = cap > max / 2 ? max + 1 : 2 * cap;
        b = xrealloc(b, cap);
    }
    *buf = b;
    *len = n;
    return true;
}

bool src_read_all(Ctx *c, const char *path, const char *what, unsigned char **buf, size_t *len) {
    int64_t size;
    FILE *f = src_open(c, path, what, "text", loc_none(), &size);
    if (!f)
        return false;
    bool ok = src_read_rest(c, f, path, SRC_MAX_BYTES, size > 0 ? (size_t)size : 0, buf, len);
    fclose(f);
    if (ok && *len > SRC_MAX_BYTES) {
        diag_plain(c, "cannot read %s'%s': file is larger than %zu MiB", what, path,
                   SRC_MAX_BYTES >> 20);
        free(*buf);
        ok = false;
    }
    return ok;
}
