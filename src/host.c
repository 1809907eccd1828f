/*
 * host.c: building and running C programs on the machine bnnc runs on,
 * for `bnnc bench` and `bnnc calibrate`: a scratch folder, the C compiler
 * ($CC, else cc) run without a shell, a program run with its standard
 * output kept, and the folder removed afterwards.
 */
#include "bnnc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

char *host_tmpdir(Ctx *c) {
    const char *base = getenv("TMPDIR");
    char *t = mem_printf(&c->arena, "%s/bnnc-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(t)) {
        diag_plain(c, "cannot create a scratch folder '%s': %s", t, strerror(errno));
        return NULL;
    }
    return t;
}

void host_rmtree(const char *dir) {
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = xmalloc(n);
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            host_rmtree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Runs argv[0] (found on PATH) with stdout to `out` and stderr to `err`
 * (paths, or NULL to keep them). Returns the exit status, or -1. */
static int spawn(Ctx *c, char *const *argv, const char *out, const char *err) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (out)
        posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err)
        posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        diag_plain(c, "cannot run '%s': %s", argv[0], strerror(rc));
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool host_compile(Ctx *c, const char *dir, const char *prog, const char *const *srcs, int nsrc) {
    const char *cc = getenv("CC");
    if (!cc || !*cc)
        cc = "cc";
    const char *flags[] = {"-std=c99", "-O3", "-march=native", "-DBNN_TIMING", "-pthread", "-o", prog};
    int nf = (int)(sizeof flags / sizeof flags[0]);
    char **argv = mem_array(&c->arena, (size_t)(nf + nsrc + 4), sizeof(char *));
    int k = 0;
    argv[k++] = (char *)cc;
    for (int i = 0; i < nf; i++)
        argv[k++] = (char *)flags[i];
    for (int i = 0; i < nsrc; i++)
        argv[k++] = (char *)srcs[i];
    argv[k++] = "-lm";
    argv[k] = NULL;
    char *log = mem_printf(&c->arena, "%s/cc.log", dir);
    int rc = spawn(c, argv, NULL, log);
    if (rc == 0)
        return true;
    diag_plain(c, "the C compiler '%s' failed (exit %d) on the generated code:", cc, rc);
    FILE *f = fopen(log, "r");
    char line[512];
    for (int n = 0; f && n < 20 && fgets(line, sizeof line, f); n++)
        fprintf(stderr, "  %s", line);
    if (f)
        fclose(f);
    return false;
}

char *host_run(Ctx *c, const char *dir, char *const *argv) {
    char *out = mem_printf(&c->arena, "%s/run.out", dir);
    char *err = mem_printf(&c->arena, "%s/run.err", dir);
    int rc = spawn(c, argv, out, err);
    if (rc != 0) {
        diag_plain(c, "the benchmark program '%s' failed (exit %d)", argv[0], rc);
        return NULL;
    }
    unsigned char *buf;
    size_t len;
    if (!src_read_all(c, out, "", &buf, &len))
        return NULL;
    char *text = mem_strndup(&c->arena, (char *)buf, len);
    free(buf);
    return text;
}
