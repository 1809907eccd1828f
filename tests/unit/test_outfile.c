/*
 * test_outfile.c: output files (src/outfile.c): a new file and a regular
 * file replaced by rename, with the old file's permission bits; a link kept
 * and its target written; a folder, a socket and a loop of links refused;
 * a set of files all or none, also when a destination turns into a folder
 * between out_open and out_commit; a name too long for a temporary beside
 * it; out_check and out_discard leaving nothing.
 */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void expect_diag(Quiet *q, const char *text) {
    if (!strstr(quiet_diag(q), text))
        fail_msg("expected \"%s\" in:\n%s", text, quiet_diag(q));
}

/* The contents of path, at most 255 bytes ("" when it cannot be read). */
static const char *contents(const char *path) {
    static char buf[256];
    buf[0] = 0;
    FILE *f = fopen(path, "rb");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = 0;
        fclose(f);
    }
    return buf;
}

/* Fails if the test folder holds a temporary file. */
static void no_temporary(void) {
    DIR *d = opendir(tmp_dir());
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, ".tmp"))
            fail_msg("a temporary file is left: %s", e->d_name);
    closedir(d);
}

static bool put(Quiet *q, const char *path, const char *text) {
    OutFile o;
    if (!out_open(&q->c, &o, path))
        return false;
    fputs(text, o.f);
    return out_commit(&q->c, &o, 1);
}

static void test_new_and_replace(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    const char *p = tmp_path("a.txt");
    assert_true(put(&q, p, "one"));
    assert_string_equal(contents(p), "one");
    /* Replaced whole, keeping the old file's permissions. */
    chmod(p, 0640);
    struct stat before, after;
    assert_int_equal(stat(p, &before), 0);
    assert_true(put(&q, p, "two"));
    assert_string_equal(contents(p), "two");
    assert_int_equal(stat(p, &after), 0);
    assert_int_equal(after.st_mode & 07777, 0640);
    assert_true(after.st_ino != before.st_ino); /* renamed over, not rewritten */
    /* Set-user-ID is not carried over to new contents. */
    chmod(p, 04755);
    assert_true(put(&q, p, "three"));
    assert_int_equal(stat(p, &after), 0);
    assert_int_equal(after.st_mode & 07777, 0755);
    /* An empty path is no file. */
    assert_false(put(&q, "", "x"));
    expect_diag(&q, "cannot write '': No such file or directory");
    /* A missing folder is an error naming the path. */
    assert_false(put(&q, tmp_path("no/such/x.txt"), "x"));
    expect_diag(&q, "no/such/x.txt': No such file or directory");
    no_temporary();
    quiet_free(&q);
}

static void test_links(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    const char *t = tmp_path("target.txt"), *l = tmp_path("link.txt");
    write_bytes(t, "old", 3);
    assert_int_equal(symlink("target.txt", l), 0);
    assert_true(put(&q, l, "new"));
    struct stat st;
    assert_int_equal(lstat(l, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_string_equal(contents(t), "new");
    /* A dangling link: the file it names is made. */
    const char *d = tmp_path("dangling.txt");
    assert_int_equal(symlink("made.txt", d), 0);
    assert_true(put(&q, d, "made"));
    assert_string_equal(contents(tmp_path("made.txt")), "made");
    assert_int_equal(lstat(d, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* An error names the link and its target. */
    const char *f = tmp_path("tofolder");
    assert_int_equal(mkdir(tmp_path("folder"), 0777), 0);
    assert_int_equal(symlink("folder", f), 0);
    assert_false(put(&q, f, "x"));
    expect_diag(&q, "tofolder' (a link to '");
    expect_diag(&q, "/folder'): it is a folder");
    /* A loop. */
    assert_int_equal(symlink("loop2", tmp_path("loop1")), 0);
    assert_int_equal(symlink("loop1", tmp_path("loop2")), 0);
    assert_false(put(&q, tmp_path("loop1"), "x"));
    expect_diag(&q, strerror(ELOOP));
    no_temporary();
    quiet_free(&q);
}

static void test_refused(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    assert_false(put(&q, tmp_dir(), "x"));
    expect_diag(&q, "': it is a folder");
    const char *s = tmp_path("sock");
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", s);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_false(put(&q, s, "x"));
    expect_diag(&q, "sock': it is a socket");
    close(fd);
    no_temporary();
    quiet_free(&q);
}

/* A set: a destination that turns into a folder after out_open stops all
 * of them; nothing is replaced and no temporary is left. */
static void test_all_or_none(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    const char *a = tmp_path("a.txt"), *b = tmp_path("b.txt");
    write_bytes(a, "old", 3);
    OutFile o[2];
    assert_true(out_open(&q.c, &o[0], a));
    assert_true(out_open(&q.c, &o[1], b));
    fputs("new a", o[0].f);
    fputs("new b", o[1].f);
    assert_int_equal(mkdir(b, 0777), 0);
    assert_false(out_commit(&q.c, o, 2));
    expect_diag(&q, "b.txt': it is a folder");
    assert_string_equal(contents(a), "old");
    no_temporary();
    /* Both written once the way is clear. */
    assert_int_equal(rmdir(b), 0);
    assert_true(out_open(&q.c, &o[0], a));
    assert_true(out_open(&q.c, &o[1], b));
    fputs("new a", o[0].f);
    fputs("new b", o[1].f);
    assert_true(out_commit(&q.c, o, 2));
    assert_string_equal(contents(a), "new a");
    assert_string_equal(contents(b), "new b");
    /* A write error is reported at commit, and the set is dropped. */
    assert_true(out_open(&q.c, &o[0], a));
    assert_true(out_open(&q.c, &o[1], b));
    fputs("newer", o[0].f);
    o[1].err = ENOSPC;
    assert_false(out_commit(&q.c, o, 2));
    expect_diag(&q, strerror(ENOSPC));
    assert_string_equal(contents(a), "new a");
    no_temporary();
    quiet_free(&q);
}

/* out_check and out_discard leave the file as it was and nothing beside. */
static void test_check_discard(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    const char *p = tmp_path("kept.txt");
    assert_true(out_check(&q.c, p));
    assert_int_equal(access(p, F_OK), -1);
    write_bytes(p, "kept", 4);
    OutFile o;
    assert_true(out_open(&q.c, &o, p));
    fputs("lost", o.f);
    out_discard(&o);
    assert_string_equal(contents(p), "kept");
    assert_false(out_check(&q.c, tmp_dir()));
    no_temporary();
    quiet_free(&q);
}

/* A name of 250 bytes has no room for ".tmpXXXXXX": the temporary gets a
 * short name in the same folder. */
static void test_long_name(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    char name[251], path[512];
    memset(name, 'n', 250);
    name[250] = 0;
    snprintf(path, sizeof path, "%s/%s", tmp_dir(), name);
    assert_true(put(&q, path, "long"));
    assert_string_equal(contents(path), "long");
    no_temporary();
    quiet_free(&q);
}

/* A FIFO is written in place: it stays a FIFO, its reader gets the bytes. */
static void test_fifo(void **state) {
    (void)state;
    Quiet q;
    quiet_init(&q);
    const char *p = tmp_path("fifo");
    assert_int_equal(mkfifo(p, 0666), 0);
    OutFile o;
    assert_true(out_open(&q.c, &o, p));
    assert_true(o.in_place);
    fputs("through", o.f);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The reader: the bytes to fifo.got. */
        FILE *in = fopen(p, "rb"), *got = fopen(tmp_path("fifo.got"), "wb");
        int ch;
        while (in && got && (ch = fgetc(in)) != EOF)
            fputc(ch, got);
        _exit(in && got && fclose(got) == 0 ? 0 : 1);
    }
    assert_true(out_commit(&q.c, &o, 1));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_string_equal(contents(tmp_path("fifo.got")), "through");
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    quiet_free(&q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_new_and_replace, tmp_teardown),
        cmocka_unit_test_teardown(test_links, tmp_teardown),
        cmocka_unit_test_teardown(test_refused, tmp_teardown),
        cmocka_unit_test_teardown(test_all_or_none, tmp_teardown),
        cmocka_unit_test_teardown(test_check_discard, tmp_teardown),
        cmocka_unit_test_teardown(test_long_name, tmp_teardown),
        cmocka_unit_test_teardown(test_fifo, tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
