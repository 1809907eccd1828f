/*
 * npy.c: NumPy .npy arrays, the inputs and outputs of `bnnc run`.
 *
 * The format (numpy.lib.format): the magic "\x93NUMPY", a version byte
 * pair, the header length (2 bytes little-endian in version 1.0, 4 in
 * 2.0), then the header, a Python dict literal such as
 *
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (28, 28, 1), }
 *
 * padded with spaces and ended by a newline, then the elements in C order.
 * We read versions 1.0 and 2.0 with the element types bnnc's tensors use:
 * '<f4' (f32), '<i4' (i32), '|u1' (u8), and '|i1' or '|b1' for b1 values
 * (int8 -1/+1; a bool array's False is -1 and True +1). We write version
 * 1.0 with the header padded so that the data starts on a 64-byte
 * boundary, as numpy does, through outfile.c (a temporary file renamed
 * into place, a device or FIFO written in place): an error never leaves
 * a partial file behind.
 */
#include "bnnc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAX_HEADER (1 << 20)

static int elem_size(DType t) { return t == DT_F32 || t == DT_I32 ? 4 : 1; }

/* ------------------------------------------------------------- header */

/* A cursor over the header's dict literal. */
typedef struct {
    const char *p, *end;
} Cur;

static void skip_ws(Cur *k) {
    while (k->p < k->end && (*k->p == ' ' || *k->p == '\t' || *k->p == '\n' || *k->p == '\r'))
        k->p++;
}

static bool eat(Cur *k, char ch) {
    skip_ws(k);
    if (k->p < k->end && *k->p == ch) {
        k->p++;
        return true;
    }
    return false;
}

/* A quoted string (no escapes: the header's strings have none). */
static bool read_str(Cur *k, char *out, size_t n) {
    skip_ws(k);
    if (k->p >= k->end || (*k->p != '\'' && *k->p != '"'))
        return false;
    char q = *k->p++;
    size_t i = 0;
    while (k->p < k->end && *k->p != q) {
        if (*k->p == '\\' || i + 1 >= n)
            return false;
        out[i++] = *k->p++;
    }
    if (k->p >= k->end)
        return false;
    k->p++;
    out[i] = 0;
    return true;
}

static bool read_word(Cur *k, const char *w) {
    skip_ws(k);
    size_t n = strlen(w);
    if ((size_t)(k->end - k->p) >= n && memcmp(k->p, w, n) == 0) {
        k->p += n;
        return true;
    }
    return false;
}

/* A tuple of non-negative integers: (), (3,), (2, 3). */
static bool read_shape(Cur *k, NpyArray *a, const char **why) {
    if (!eat(k, '('))
        return false;
    a->rank = 0;
    for (;;) {
        if (eat(k, ')'))
            return true;
        skip_ws(k);
        if (k->p >= k->end || *k->p < '0' || *k->p > '9')
            return false;
        int64_t v = 0;
        while (k->p < k->end && *k->p >= '0' && *k->p <= '9') {
            if (v > (BNNC_MAX_ELEMS - 9) / 10) {
                *why = "a dimension is too large";
                return false;
            }
            v = v * 10 + (*k->p++ - '0');
        }
        if (a->rank == 8) {
            *why = "it has more than 8 dimensions";
            return false;
        }
        a->dims[a->rank++] = v;
        if (!eat(k, ',')) {
            if (eat(k, ')'))
                return true;
            return false;
        }
    }
}

/* The element type of a descr string, or DT_NONE with *why set. `b1bool`
 * tells a numpy bool array from an int8 one. */
static DType parse_descr(const char *d, bool *b1bool, const char **why) {
    *b1bool = false;
    char order = d[0];
    const char *t = d;
    if (order == '<' || order == '>' || order == '|' || order == '=')
        t++;
    else
        order = 0;
    bool one_byte = strcmp(t, "u1") == 0 || strcmp(t, "i1") == 0 || strcmp(t, "b1") == 0;
    if (one_byte) {
        *b1bool = strcmp(t, "b1") == 0;
        return strcmp(t, "u1") == 0 ? DT_U8 : DT_B1;
    }
    if (strcmp(t, "f4") == 0 || strcmp(t, "i4") == 0) {
        if (order == '>') {
            *why = "it is big-endian; save it little-endian (astype('<f4') or '<i4')";
            return DT_NONE;
        }
        if (order != '<') {
            *why = "its byte order is not stated; save it little-endian ('<f4' or '<i4')";
            return DT_NONE;
        }
        return t[0] == 'f' ? DT_F32 : DT_I32;
    }
    *why = "its element type is not one bnnc reads: '<f4' (float32), '<i4' (int32), "
           "'|u1' (uint8), '|i1' (int8 -1/+1) or '|b1' (bool)";
    return DT_NONE;
}

/* Parses the dict literal of the header into a. */
static bool parse_header(Ctx *c, const char *path, const char *h, size_t n, NpyArray *a,
                         bool *b1bool) {
    Cur k = {h, h + n};
    bool descr = false, order = false, shape = false;
    const char *why = NULL;
    if (!eat(&k, '{'))
        goto bad;
    for (;;) {
        if (eat(&k, '}'))
            break;
        char key[32];
        if (!read_str(&k, key, sizeof key) || !eat(&k, ':'))
            goto bad;
        /* A Python dict literal may repeat a key (the last wins); numpy
         * never writes one twice, so that is a broken header. */
        if ((strcmp(key, "descr") == 0 && descr) ||
            (strcmp(key, "fortran_order") == 0 && order) ||
            (strcmp(key, "shape") == 0 && shape)) {
            why = "it has a key twice";
            goto bad;
        }
        if (strcmp(key, "descr") == 0) {
            char d[32];
            if (!read_str(&k, d, sizeof d)) {
                why = "its 'descr' is not a simple type string (a structured array?)";
                goto bad;
            }
            a->type = parse_descr(d, b1bool, &why);
            if (a->type == DT_NONE) {
                diag_plain(c, "'%s' holds '%s' elements, and %s", path, d, why);
                return false;
            }
            descr = true;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (read_word(&k, "True")) {
                diag_plain(c, "'%s' is in Fortran order; save a C-order array "
                              "(numpy.ascontiguousarray)", path);
                return false;
            }
            if (!read_word(&k, "False"))
                goto bad;
            order = true;
        } else if (strcmp(key, "shape") == 0) {
            if (!read_shape(&k, a, &why))
                goto bad;
            shape = true;
        } else {
            why = "it has an unknown key";
            goto bad;
        }
        if (!eat(&k, ',')) {
            if (eat(&k, '}'))
                break;
            goto bad;
        }
    }
    skip_ws(&k);
    if (k.p != k.end)
        goto bad;
    if (!descr || !order || !shape) {
        why = !descr ? "it lacks 'descr'" : !order ? "it lacks 'fortran_order'" : "it lacks 'shape'";
        goto bad;
    }
    return true;
bad:
    diag_plain(c, "'%s' has a bad .npy header%s%s", path, why ? ": " : "", why ? why : "");
    return false;
}

static uint32_t get_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* The magic, the version and the header's length (the bytes before the
 * header: *hstart). False after reporting. */
static bool read_prefix(Ctx *c, const char *path, const unsigned char *buf, size_t len,
                        size_t *hstart, size_t *hlen) {
    if (len < 10 || memcmp(buf, NPY_MAGIC, 6) != 0) {
        diag_plain(c, "'%s' is not a .npy file (it does not start with \\x93NUMPY)", path);
        return false;
    }
    int major = buf[6], minor = buf[7];
    if (major == 1 && minor == 0) {
        *hstart = 10;
        *hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
    } else if (major == 2 && minor == 0) {
        if (len < 12) {
            diag_plain(c, "'%s' is truncated: it ends inside the .npy header", path);
            return false;
        }
        *hstart = 12;
        *hlen = get_le32(buf + 8);
    } else {
        diag_plain(c, "'%s' is .npy version %d.%d; bnnc reads versions 1.0 and 2.0", path,
                   major, minor);
        return false;
    }
    if (*hlen > NPY_MAX_HEADER) {
        diag_plain(c, "'%s' has a bad .npy header: it claims %zu bytes", path, *hlen);
        return false;
    }
    return true;
}

/* The elements of a's shape (a->n) and the bytes of its data; false after
 * reporting an array past BNNC_MAX_ELEMS. */
static bool array_size(Ctx *c, const char *path, NpyArray *a, size_t *bytes) {
    int64_t n = 1;
    for (int i = 0; i < a->rank; i++)
        if (__builtin_mul_overflow(n, a->dims[i], &n) || n > BNNC_MAX_ELEMS) {
            diag_plain(c, "'%s' is too large", path);
            return false;
        }
    a->n = n;
    *bytes = (size_t)n * (size_t)elem_size(a->type);
    return true;
}

bool npy_read(Ctx *c, const char *path, NpyArray *out) {
    return npy_read_max(c, path, BNNC_MAX_RUN_BYTES, NULL, out);
}

/* The data of an array whose header gave out's type and shape (want
 * bytes): `have` bytes at d, exactly want. False after reporting. */
static bool take_data(Ctx *c, const char *path, NpyArray *out, bool b1bool,
                      const unsigned char *d, size_t have, size_t want) {
    int64_t n = out->n;
    if (have < want) {
        diag_plain(c, "'%s' is truncated: its shape needs %zu bytes of data, but %zu follow "
                      "the header", path, want, have);
        return false;
    }
    if (have > want) {
        diag_plain(c, "'%s' has %zu bytes after its data (its shape needs %zu)", path,
                   have - want, want);
        return false;
    }
    out->data = mem_alloc(&c->arena, want);
    if (out->type == DT_F32 || out->type == DT_I32) {
        uint32_t *o = out->data;
        for (int64_t i = 0; i < n; i++)
            o[i] = get_le32(d + 4 * i);
    } else if (out->type == DT_U8) {
        memcpy(out->data, d, want);
    } else {
        int8_t *o = out->data;
        for (int64_t i = 0; i < n; i++) {
            if (b1bool) {
                if (d[i] > 1) {
                    diag_plain(c, "'%s' holds %d at element %lld of a bool array", path, d[i],
                               (long long)i);
                    return false;
                }
                o[i] = d[i] ? 1 : -1;
            } else {
                o[i] = (int8_t)d[i];
                if (o[i] != 1 && o[i] != -1) {
                    diag_plain(c, "'%s' holds %d at element %lld; an int8 array holds b1 "
                                  "values, -1 or +1", path, o[i], (long long)i);
                    return false;
                }
            }
        }
    }
    return true;
}

/* npy_read_max and npy_read_check: `check` (if any) sees the header's
 * type and shape before the size is compared with max. */
static bool read_npy(Ctx *c, const char *path, int64_t max, const char *what, NpyCheck check,
                     void *arg, NpyArray *out) {
    memset(out, 0, sizeof *out);
    int64_t size;
    FILE *f = src_open(c, path, "", ".npy", loc_none(), &size);
    if (!f)
        return false;
    /* The header first (at most 1 MiB), then the data its shape says, if
     * that is not more than `max` and the file not longer: nothing past
     * it is read. */
    unsigned char pre[12];
    unsigned char *h = NULL, *data = NULL;
    size_t n = 0, got, hstart, hlen, want;
    bool ok = false, b1bool = false;
    if (!src_read_upto(c, f, path, pre, sizeof pre, &n) ||
        !read_prefix(c, path, pre, n, &hstart, &hlen))
        goto done;
    size_t head = hstart + hlen;
    if ((size >= (int64_t)n && (uint64_t)size < head) || (n < sizeof pre && n < head)) {
        diag_plain(c, "'%s' is truncated: it ends inside the .npy header", path);
        goto done;
    }
    h = xmalloc(head > n ? head : n);
    memcpy(h, pre, n);
    if (n < head) {
        if (!src_read_upto(c, f, path, h + n, head - n, &got))
            goto done;
        if (n + got < head) {
            diag_plain(c, "'%s' is truncated: it ends inside the .npy header", path);
            goto done;
        }
    }
    if (!parse_header(c, path, (const char *)h + hstart, hlen, out, &b1bool) ||
        !array_size(c, path, out, &want) || (check && !check(c, path, out, arg)))
        goto done;
    if (want > (uint64_t)max) {
        char shape[128];
        size_t l = (size_t)snprintf(shape, sizeof shape, "[");
        for (int i = 0; i < out->rank && l < sizeof shape; i++)
            l += (size_t)snprintf(shape + l, sizeof shape - l, "%s%lld", i ? ", " : "",
                                  (long long)out->dims[i]);
        if (l < sizeof shape)
            snprintf(shape + l, sizeof shape - l, "]");
        if (what)
            diag_plain(c, "'%s' has shape %s; %s", path, shape, what);
        else
            diag_plain(c, "'%s' has shape %s: %zu bytes of data, more than the %lld MiB "
                          "bnnc reads", path, shape, want, (long long)(max >> 20));
        goto done;
    }
    /* The bytes the header leaves for the data: what fstat says is left,
     * or (a file of /proc) what is there, up to one more than wanted. */
    size_t left = size >= (int64_t)head ? (size_t)size - head : 0;
    if (left > want) {
        diag_plain(c, "'%s' has %zu bytes after its data (its shape needs %zu)", path,
                   left - want, want);
        goto done;
    }
    /* (A header of fewer than 2 bytes, all that would end inside the 12
     * bytes read first, is not a dict: parse_header refused it.) */
    if (!src_read_rest(c, f, path, want, left, &data, &got))
        goto done;
    ok = take_data(c, path, out, b1bool, data, got, want);
done:
    fclose(f);
    free(h);
    free(data);
    if (!ok)
        memset(out, 0, sizeof *out);
    return ok;
}

bool npy_read_max(Ctx *c, const char *path, int64_t max, const char *what, NpyArray *out) {
    return read_npy(c, path, max, what, NULL, NULL, out);
}

bool npy_read_check(Ctx *c, const char *path, int64_t max, NpyCheck check, void *arg,
                    NpyArray *out) {
    return read_npy(c, path, max, NULL, check, arg, out);
}

bool npy_parse(Ctx *c, const char *path, const unsigned char *buf, size_t len, NpyArray *out) {
    memset(out, 0, sizeof *out);
    size_t hstart, hlen, want;
    bool b1bool = false;
    if (!read_prefix(c, path, buf, len, &hstart, &hlen))
        return false;
    if (len - hstart < hlen) {
        diag_plain(c, "'%s' is truncated: it ends inside the .npy header", path);
        return false;
    }
    return parse_header(c, path, (const char *)buf + hstart, hlen, out, &b1bool) &&
           array_size(c, path, out, &want) &&
           take_data(c, path, out, b1bool, buf + hstart + hlen, len - hstart - hlen, want);
}

/* ------------------------------------------------------------- writing */

static const char *descr_of(DType t) {
    switch (t) {
    case DT_F32: return "<f4";
    case DT_I32: return "<i4";
    case DT_U8: return "|u1";
    default: return "|i1";
    }

}

/* The header of a as a .npy file of version 1.0, in head (total bytes in
 * *len); false after reporting when it does not fit. */
static bool npy_header(Ctx *c, const char *path, const NpyArray *a, unsigned char *head,
                       size_t *len) {
    char dict[512];
    size_t l = (size_t)snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                                descr_of(a->type));
    for (int i = 0; i < a->rank && l < sizeof dict; i++)
        l += (size_t)snprintf(dict + l, sizeof dict - l, "%s%lld%s", i ? ", " : "",
                              (long long)a->dims[i], a->rank == 1 ? "," : "");
    if (l < sizeof dict)
        l += (size_t)snprintf(dict + l, sizeof dict - l, "), }");
    if (l + 64 >= sizeof dict) {
        diag_plain(c, "cannot write '%s': too many dimensions", path);
        return false;
    }
    /* Pad with spaces so that magic + version + length + header, ending
     * with a newline, is a multiple of 64 bytes. */
    size_t total = (10 + l + 1 + 63) / 64 * 64;
    size_t hlen = total - 10;
    memcpy(head, NPY_MAGIC, 6);
    head[6] = 1;
    head[7] = 0;
    head[8] = (unsigned char)(hlen & 0xff);
    head[9] = (unsigned char)(hlen >> 8);
    memcpy(head + 10, dict, l);
    memset(head + 10 + l, ' ', hlen - l - 1);
    head[total - 1] = '\n';
    *len = total;
    return true;
}

/* Writes the header and the elements of a to f; false on a write error
 * (out_commit reports it). */
static bool npy_fwrite(FILE *f, const unsigned char *head, size_t total, const NpyArray *a) {
    bool ok = fwrite(head, 1, total, f) == total;
    int es = elem_size(a->type);
    if (es == 4) {
        const uint32_t *d = a->data;
        unsigned char b[4096];
        for (int64_t i = 0; i < a->n && ok; i += 1024) {
            int64_t m = a->n - i < 1024 ? a->n - i : 1024;
            for (int64_t j = 0; j < m; j++)
                put_le32(b + 4 * j, d[i + j]);
            ok = fwrite(b, 4, (size_t)m, f) == (size_t)m;
        }
    } else if (a->n > 0) {
        ok = ok && fwrite(a->data, 1, (size_t)a->n, f) == (size_t)a->n;
    }
    return ok;
}

bool npy_write(Ctx *c, const char *path, const NpyArray *a) {
    return npy_write_all(c, &path, a, 1);
}

bool npy_write_all(Ctx *c, const char *const *paths, const NpyArray *a, int n) {
    OutFile *o = mem_array(&c->arena, (size_t)n + 1, sizeof *o);
    int done = 0;
    bool ok = true;
    for (; done < n && ok; done++) {
        unsigned char head[600];
        size_t total;
        ok = npy_header(c, paths[done], &a[done], head, &total) &&
             out_open(c, &o[done], paths[done]);
        if (!ok)
            break;
        if (!npy_fwrite(o[done].f, head, total, &a[done]))
            o[done].err = errno; /* reported by out_commit */
    }
    if (ok)
        return out_commit(c, o, n);
    for (int i = 0; i < done; i++)
        out_discard(&o[i]);
    return false;
}
