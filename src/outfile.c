/*
 * outfile.c: how every file bnnc writes for the user reaches its path
 * (`bnnc run --output`, `--emit c -o DIR`, `bnnc calibrate -o`), one rule
 * for all of them (docs/robustness.md section 5):
 *
 *   - a new path, or a regular file: the contents go to a temporary file
 *     in the same folder (PATH.tmpXXXXXX), renamed over PATH at the end,
 *     so PATH is either replaced whole or left as it was;
 *   - a symbolic link: resolved (every link of a chain, as the kernel
 *     would), and the file it names treated as above: the link stays a
 *     link and its target gets the contents, also when the target does
 *     not exist yet;
 *   - a character or block device, a FIFO (or a link to one): not ours to
 *     replace, so opened and written in place, as cp and compilers do;
 *   - a folder, a socket: an error naming the path, before anything is
 *     written.
 *
 * A set of files (out_commit) is all or nothing: every destination is
 * checked when it is opened, each file is complete before any is put in
 * place, the destinations are checked again, the devices and FIFOs get
 * their bytes (kept until then in an anonymous temporary file), and only
 * then is each temporary renamed over its file. An error at any step
 * leaves the old files and no temporary behind.
 */
#include "bnnc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Links followed in one path, as Linux's MAXSYMLINKS. */
#define OUT_MAX_LINKS 40

/* "cannot write 'PATH': WHY", naming the file a link names as well. */
static void out_error(Ctx *c, const OutFile *o, const char *why) {
    diag_plain(c, "cannot write '%s'%s: %s", o->path, o->note, why);
}

/* The folder part of path ("." for a bare name), arena-owned. */
static char *dir_of(Arena *a, const char *path) {
    const char *s = strrchr(path, '/');
    if (!s)
        return mem_strdup(a, ".");
    if (s == path)
        return mem_strdup(a, "/");
    return mem_strndup(a, path, (size_t)(s - path));
}

/* Follows the links of path to the file they name, which may not exist.
 * Returns it (arena-owned), or NULL with errno set. */
static char *resolve(Arena *a, const char *path) {
    char *p = mem_strdup(a, path);
    for (int n = 0; n <= OUT_MAX_LINKS; n++) {
        struct stat st;
        if (lstat(p, &st) != 0)
            return errno == ENOENT ? p : NULL;
        if (!S_ISLNK(st.st_mode))
            return p;
        char buf[PATH_MAX];
        ssize_t l = readlink(p, buf, sizeof buf - 1);
        if (l < 0)
            return NULL;
        if (l == (ssize_t)sizeof buf - 1) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        buf[l] = 0;
        p = buf[0] == '/' || !strchr(p, '/') ? mem_strdup(a, buf)
                                             : mem_printf(a, "%s/%s", dir_of(a, p), buf);
    }
    errno = ELOOP;
    return NULL;
}

typedef enum { KIND_NEW, KIND_FILE, KIND_DEVICE, KIND_FOLDER, KIND_OTHER } Kind;

/* What dest is now (not following a link: dest is resolved). */
static Kind kind_of(const char *dest, int *err) {
    struct stat st;
    *err = 0;
    if (lstat(dest, &st) != 0) {
        *err = errno;
        return KIND_NEW;
    }
    if (S_ISREG(st.st_mode))
        return KIND_FILE;
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode))
        return KIND_DEVICE;
    if (S_ISDIR(st.st_mode))
        return KIND_FOLDER;
    return KIND_OTHER; /* a socket: nothing else is left */
}

/* Why a destination of kind k cannot be written, or NULL. */
static const char *refusal(Kind k, int err) {
    if (k == KIND_NEW && err != ENOENT)
        return strerror(err);
    if (k == KIND_FOLDER)
        return "it is a folder";
    if (k == KIND_OTHER)
        return "it is a socket";
    return NULL;
}

/* The folder of scratch files: $TMPDIR, else /tmp (as host_tmpdir). */
static const char *tmp_base(void) {
    const char *base = getenv("TMPDIR");
    return base && *base ? base : "/tmp";
}

/* An anonymous temporary file in tmp_base(), removed from its folder at
 * once: it holds a device's or a FIFO's bytes until commit. */
static FILE *anon_tmp(Arena *a) {
    char *t = mem_printf(a, "%s/bnnc-XXXXXX", tmp_base());
    int fd = mkstemp(t);
    if (fd < 0)
        return NULL;
    unlink(t);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

/* A temporary file beside dest with the permission bits and, where the
 * user may give them, the owner and group dest has (a new file: the bits
 * the umask leaves of 0666). Set-user-ID and the like are not copied. */
static FILE *beside_tmp(Arena *a, const char *dest, char **tmp) {
    *tmp = mem_printf(a, "%s.tmpXXXXXX", dest);
    int fd = mkstemp(*tmp);
    if (fd < 0 && errno == ENAMETOOLONG) { /* a long name: a short one beside it */
        *tmp = mem_printf(a, "%s/.tmpXXXXXX", dir_of(a, dest));
        fd = mkstemp(*tmp);
    }
    if (fd < 0) {
        *tmp = NULL;
        return NULL;
    }
    struct stat st;
    mode_t mode;
    if (stat(dest, &st) == 0 && S_ISREG(st.st_mode)) {
        mode = st.st_mode & 0777;
        if (fchown(fd, st.st_uid, st.st_gid) != 0) {
            /* not allowed: the new file is the user's own */
        }
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    fchmod(fd, mode);
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(*tmp);
        *tmp = NULL;
        errno = e;
    }
    return f;
}

bool out_open(Ctx *c, OutFile *o, const char *path) {
    Arena *a = &c->arena;
    memset(o, 0, sizeof *o);
    o->path = path;
    o->note = "";
    if (!*path) {
        out_error(c, o, strerror(ENOENT));
        return false;
    }
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode))) {
        /* Written in place through path itself: a link to a device (even
         * /dev/stdout's /proc/self/fd/1) is opened as the kernel sees it. */
        o->dest = mem_strdup(a, path);
        o->in_place = true;
    } else {
        o->dest = resolve(a, path);
        if (!o->dest) {
            out_error(c, o, strerror(errno));
            return false;
        }
        if (strcmp(o->dest, path) != 0)
            o->note = mem_printf(a, " (a link to '%s')", o->dest);
        struct stat ds;
        if (exists && S_ISREG(st.st_mode) &&
            (lstat(o->dest, &ds) != 0 || ds.st_dev != st.st_dev || ds.st_ino != st.st_ino)) {
            /* A link whose text names no path to it (/proc/self/fd/N to a
             * deleted file): the file can only be written in place. */
            o->dest = mem_strdup(a, path);
            o->note = "";
            o->in_place = true;
            o->truncate = true;
        }
    }
    if (o->in_place) {
        if (access(o->dest, W_OK) != 0) {
            out_error(c, o, strerror(errno));
            return false;
        }
        if (!(o->f = anon_tmp(a))) {
            out_error(c, o, mem_printf(a, "cannot make a temporary file in %s: %s", tmp_base(),
                                       strerror(errno)));
            return false;
        }
        return true;
    }
    int err;
    Kind k = kind_of(o->dest, &err);
    const char *why = refusal(k, err);
    if (why) {
        out_error(c, o, why);
        return false;
    }
    if (!(o->f = beside_tmp(a, o->dest, &o->tmp))) {
        out_error(c, o, strerror(errno));
        return false;
    }
    return true;
}

void out_discard(OutFile *o) {
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp)
        unlink(o->tmp);
    o->tmp = NULL;
}

bool out_check(Ctx *c, const char *path) {
    OutFile o;
    if (!out_open(c, &o, path))
        return false;
    out_discard(&o);
    return true;
}

/* Copies the anonymous temporary of o to its device or FIFO; errno set
 * when it fails. SIGPIPE is ignored meanwhile: a reader that goes away
 * is an error (EPIPE), not the end of bnnc with its temporaries left. */
static bool copy_in_place(OutFile *o) {
    if (fflush(o->f) != 0 || fseek(o->f, 0, SEEK_SET) != 0)
        return false;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    int fd = open(o->dest, O_WRONLY | O_NOCTTY | O_CLOEXEC | (o->truncate ? O_TRUNC : 0));
    bool ok = fd >= 0;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, o->f)) > 0) {
        for (size_t done = 0; done < n && ok;) {
            ssize_t w = write(fd, buf + done, n - done);
            if (w > 0)
                done += (size_t)w;
            else if (w == 0 || errno != EINTR)
                ok = false, errno = w == 0 ? EIO : errno;
        }
    }
    if (ok && ferror(o->f))
        ok = false, errno = EIO;
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && ok)
        ok = false, e = errno;
    sigaction(SIGPIPE, &old, NULL);
    errno = e;
    return ok;
}

bool out_commit(Ctx *c, OutFile *o, int n) {
    bool ok = true;
    /* 1. Every file complete: the temporaries flushed and closed. */
    for (int i = 0; i < n && ok; i++) {
        bool bad = o[i].err != 0 || ferror(o[i].f) != 0;
        int e = o[i].err;
        if (!bad && fflush(o[i].f) != 0)
            bad = true, e = errno;
        if (!o[i].in_place) {
            if (fclose(o[i].f) != 0 && !bad)
                bad = true, e = errno;
            o[i].f = NULL;
        }
        if (bad) {
            out_error(c, &o[i], e ? strerror(e) : "a write failed");
            ok = false;
        }
    }
    /* 2. Every destination still one that can be written. */
    for (int i = 0; i < n && ok; i++) {
        int err = 0;
        Kind k = o[i].in_place ? KIND_FILE : kind_of(o[i].dest, &err);
        const char *why = refusal(k, err);
        if (why) {
            out_error(c, &o[i], why);
            ok = false;
        }
    }
    /* 3. The devices and FIFOs, then 4. the files renamed into place. */
    for (int i = 0; i < n && ok; i++)
        if (o[i].in_place && !copy_in_place(&o[i])) {
            out_error(c, &o[i], strerror(errno));
            ok = false;
        }
    for (int i = 0; i < n && ok; i++)
        if (!o[i].in_place) {
            if (rename(o[i].tmp, o[i].dest) != 0) {
                out_error(c, &o[i], strerror(errno));
                ok = false;
            } else {
                o[i].tmp = NULL;
            }
        }
    for (int i = 0; i < n; i++)
        out_discard(&o[i]);
    return ok;
}
