/*
 * test_cli.c: the option table (cli_options) and the parser built on it
 * (cli_parse, getopt_long). For every command and every row it takes:
 * the name is taken once, --help lists it (and the man page names it),
 * each spelling its kind allows reaches the command with the value, and
 * the spellings getopt_long would allow but bnnc refuses (abbreviations,
 * a value given to a flag, a value missing) are usage errors. And
 * ctx_find_exe, with which bnnc finds itself, and so its standard
 * library, where /proc is absent.
 */
#include "support.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned cmds[] = {CMD_BNNC, CMD_BENCH, CMD_RUN, CMD_IMPORT, CMD_CALIBRATE,
                                CMD_WEIGHTS};
enum { NCMDS = (int)(sizeof cmds / sizeof cmds[0]) };

/* What the command's handler was given. */
typedef struct {
    int calls, operands;
    const CliOpt *last;
    const char *value;
    const char *order[8];
} Seen;

static int record(Ctx *c, void *st, const CliOpt *o, const char *v) {
    (void)c;
    Seen *s = st;
    if (s->calls < 8)
        s->order[s->calls] = o ? o->name : v;
    s->calls++;
    if (!o) {
        s->operands++;
        return EXIT_OK;
    }
    s->last = o;
    s->value = v;
    return EXIT_OK;
}

/* cli_parse of argv (NULL-terminated, argv[0] the program) for command
 * `bit`, the --help and errors into a temporary file. */
static int parse(unsigned bit, Seen *s, Ctx *c, char **argv) {
    static const CliCmd cmd[NCMDS] = {{"t", CMD_BNNC, "", ""}, {"t", CMD_BENCH, "", ""},
                                      {"t", CMD_RUN, "", ""}, {"t", CMD_IMPORT, "", ""},
                                      {"t", CMD_CALIBRATE, "", ""},
                                      {"t", CMD_WEIGHTS, "", ""}};
    int k = 0;
    while (cmd[k].bit != bit)
        k++;
    int argc = 0;
    while (argv[argc])
        argc++;
    memset(s, 0, sizeof *s);
    fflush(stdout);
    fflush(stderr);
    return cli_parse(c, &cmd[k], argc, argv, record, s);
}

/* The --help of command bit, as cli_help writes it. */
static char *help_of(unsigned bit) {
    CliCmd cmd = {"t", bit, "", ""};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cli_help(f, &cmd);
    fclose(f);
    return buf;
}

static void test_table(void **state) {
    (void)state;
    FILE *f = fopen(BNNC_TEST_STDLIB "/../docs/bnnc.1", "r");
    assert_non_null(f);
    static char man[1 << 17];
    size_t n = fread(man, 1, sizeof man - 1, f);
    fclose(f);
    man[n] = 0;
    for (int i = 0; i < cli_noptions; i++) {
        const CliOpt *o = &cli_options[i];
        assert_true(o->cmds || o->help);
        assert_true(!o->help == !o->spell && !o->spell == !o->text);
        for (int j = 0; j < i; j++) /* a name once per command */
            if (strcmp(cli_options[j].name, o->name) == 0)
                assert_int_equal(cli_options[j].cmds & o->cmds, 0);
        if (!o->cmds)
            continue;
        /* Listed by a command that takes it (-O1 and --help: on the line
         * of -O0 and -h). */
        bool listed = false;
        for (int k = 0; k < NCMDS; k++) {
            if (!(o->cmds & cmds[k]))
                continue;
            char *h = help_of(cmds[k]);
            listed |= strstr(h, o->name) != NULL;
            free(h);
        }
        if (!listed)
            fail_msg("no --help lists %s", o->name);
        /* The man page, where '-' is written '\-'. */
        char esc[64] = "";
        for (const char *p = o->name; *p; p++)
            strcat(esc, *p == '-' ? "\\-" : (char[2]){*p, 0});
        if (!strstr(man, esc))
            fail_msg("docs/bnnc.1 lacks %s", o->name);
    }
}

/* Every row, in every command that takes it, in each spelling of its
 * kind: the handler sees the row and the value (the common options go to
 * the context). */
static void test_accepted(void **state) {
    (void)state;
    for (int k = 0; k < NCMDS; k++) {
        for (int i = 0; i < cli_noptions; i++) {
            const CliOpt *o = &cli_options[i];
            if (!(o->cmds & cmds[k]))
                continue;
            char joined[64], eq[64];
            snprintf(joined, sizeof joined, "%salways", o->name);
            snprintf(eq, sizeof eq, "%s=always", o->name);
            char *forms[3][4] = {{"bnnc", (char *)o->name, NULL}};
            int nf = 1;
            if (o->arg == CLI_VALUE || o->arg == CLI_ONCE || o->arg == CLI_JOINED) {
                forms[0][2] = "always";
                forms[1][0] = "bnnc";
                forms[1][1] = o->arg == CLI_JOINED ? joined : eq;
                nf = 2;
            } else if (o->arg == CLI_EQUALS) {
                forms[0][1] = eq;
            } else if (o->arg == CLI_SUFFIX) {
                forms[0][1] = joined;
            }
            for (int j = 0; j < nf; j++) {
                Ctx c;
                ctx_init(&c);
                Seen s;
                int rc = parse(cmds[k], &s, &c, forms[j]);
                if (o->id == OPT_HELP) {
                    assert_int_equal(rc, -1);
                } else if (o->id == OPT_INCLUDE) {
                    assert_int_equal(rc, EXIT_OK);
                    assert_int_equal(c.search.n, 1);
                    assert_string_equal(c.search.v[0], "always");
                } else if (o->id == OPT_COLOR) {
                    assert_int_equal(rc, EXIT_OK);
                    assert_true(c.color);
                } else {
                    if (rc != EXIT_OK || s.calls != 1 || s.last != o)
                        fail_msg("%s (form %d) not taken by command %u", o->name, j, cmds[k]);
                    if (o->arg == CLI_FLAG)
                        assert_null(s.value);
                    else
                        assert_string_equal(s.value, "always");
                }
                ctx_free(&c);
            }
        }
    }
}

/* A CLI_ONCE row given twice, in either spelling, is a usage error after
 * one call of the handler; a CLI_VALUE row twice reaches the handler twice
 * (the later value wins). */
static void test_once(void **state) {
    (void)state;
    int once = 0;
    for (int k = 0; k < NCMDS; k++) {
        for (int i = 0; i < cli_noptions; i++) {
            const CliOpt *o = &cli_options[i];
            if (!(o->cmds & cmds[k]) || (o->arg != CLI_ONCE && o->arg != CLI_VALUE) ||
                o->id <= OPT_COLOR)
                continue;
            char eq[64];
            snprintf(eq, sizeof eq, "%s=b", o->name);
            char *argv[] = {"bnnc", (char *)o->name, "a", eq, NULL};
            Ctx c;
            ctx_init(&c);
            Seen s;
            int rc = parse(cmds[k], &s, &c, argv);
            if (o->arg == CLI_ONCE) {
                once++;
                if (rc != EXIT_USAGE || s.calls != 1)
                    fail_msg("%s twice was taken (command %u)", o->name, cmds[k]);
            } else if (rc != EXIT_OK || s.calls != 2 || strcmp(s.value, "b") != 0) {
                fail_msg("%s twice did not reach the handler twice (command %u)", o->name,
                         cmds[k]);
            }
            ctx_free(&c);
        }
    }
    /* run's --weights and --output, import's -o, calibrate's -o, weights's
     * --template */
    assert_int_equal(once, 5);
}

/* What getopt_long alone would take and bnnc refuses; operands in place. */
static void test_refused(void **state) {
    (void)state;
    static char *bad[][4] = {
        {"bnnc", "--repor", NULL},          /* an abbreviation of --report */
        {"bnnc", "--report=yes", NULL},     /* a value to a flag */
        {"bnnc", "--target", NULL},         /* no value */
        {"bnnc", "-hO0", NULL},             /* short options grouped */
        {"bnnc", "--", "x", NULL},          /* '--' */
        {"bnnc", "-oDIR", NULL},            /* -o takes -o DIR or -o=DIR */
        {"bnnc", "-O2", NULL},              /* -O0 and -O1 only */
        {"bnnc", "-f", NULL},               /* -f needs its pass joined */
        {"bnnc", "--color", "always", NULL}, /* --color=WHEN only */
        {"bnnc", "--input", "x", NULL},     /* bnnc run's */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Ctx c;
        ctx_init(&c);
        Seen s;
        if (parse(CMD_BNNC, &s, &c, bad[i]) != EXIT_USAGE || s.calls)
            fail_msg("'%s' was taken", bad[i][1]);
        ctx_free(&c);
    }
    /* Operands and options in any order, each in its place; a value that
     * looks like an option is a value; '-' is an operand. */
    char *argv[] = {"bnnc", "a.bnn", "--target", "--report", "-", "-O1", "-I", "inc", NULL};
    Ctx c;
    ctx_init(&c);
    Seen s;
    assert_int_equal(parse(CMD_BNNC, &s, &c, argv), EXIT_OK);
    assert_int_equal(s.calls, 4);
    assert_int_equal(s.operands, 2);
    assert_string_equal(s.order[0], "a.bnn");
    assert_string_equal(s.order[1], "--target");
    assert_string_equal(s.order[2], "-");
    assert_string_equal(s.order[3], "-O1");
    assert_int_equal(c.search.n, 1);
    assert_string_equal(c.search.v[0], "inc");
    ctx_free(&c);
    /* -o=DIR is DIR, as before getopt; -I=DIR is the folder "=DIR". */
    char *eq[] = {"bnnc", "-o=out", "-I=inc", NULL};
    ctx_init(&c);
    assert_int_equal(parse(CMD_BNNC, &s, &c, eq), EXIT_OK);
    assert_string_equal(s.value, "out");
    assert_string_equal(c.search.v[0], "=inc");
    ctx_free(&c);
}

static void make_file(const char *dir, const char *name, mode_t mode) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(p, mode), 0);
}

/* ctx_find_exe: how bnnc finds itself where there is no /proc/self/exe
 * (its standard library is beside it, ctx.c): argv[0] as a path, or a
 * bare name on PATH, the first executable regular file in PATH's order
 * (an empty entry is the current folder), links resolved. */
static void test_find_exe(void **state) {
    (void)state;
    char tmpl[] = "/tmp/bnnc_find_exe_XXXXXX", real[PATH_MAX], out[PATH_MAX], cwd[PATH_MAX];
    char bin[PATH_MAX + 16], plain[PATH_MAX + 16], p[2 * PATH_MAX + 64];
    assert_non_null(mkdtemp(tmpl));
    assert_non_null(realpath(tmpl, real));
    snprintf(bin, sizeof bin, "%s/bin", real);
    snprintf(plain, sizeof plain, "%s/plain", real);
    assert_int_equal(mkdir(bin, 0700), 0);
    assert_int_equal(mkdir(plain, 0700), 0);
    make_file(bin, "tool", 0755);
    make_file(plain, "tool", 0644); /* not executable */
    assert_int_equal(mkdir(strcat(strcpy(p, bin), "/dir"), 0700), 0);
    char want[PATH_MAX + 32];
    snprintf(want, sizeof want, "%s/tool", bin);
    snprintf(p, sizeof p, "%s/link", real);
    assert_int_equal(symlink(want, p), 0);

    assert_false(ctx_find_exe(NULL, "/usr/bin", out));
    assert_false(ctx_find_exe("", "/usr/bin", out));
    /* A path, absolute, through a link, relative to the current folder. */
    assert_true(ctx_find_exe(want, NULL, out));
    assert_string_equal(out, want);
    assert_true(ctx_find_exe(p, NULL, out));
    assert_string_equal(out, want);
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(real), 0);
    assert_true(ctx_find_exe("bin/tool", NULL, out));
    assert_string_equal(out, want);
    assert_false(ctx_find_exe("plain/tool", NULL, out)); /* not executable */
    assert_false(ctx_find_exe("bin/dir", NULL, out));    /* a folder */
    /* A bare name: PATH in order, the non-executable one skipped. */
    snprintf(p, sizeof p, "/nonexistent:%s:%s", plain, bin);
    assert_true(ctx_find_exe("tool", p, out));
    assert_string_equal(out, want);
    assert_false(ctx_find_exe("tool", plain, out));
    assert_false(ctx_find_exe("dir", bin, out));
    assert_false(ctx_find_exe("tool", NULL, out));
    assert_false(ctx_find_exe("tool", "", out)); /* "": the current folder, which has none */
    /* An empty entry is the current folder. */
    assert_int_equal(chdir(bin), 0);
    assert_true(ctx_find_exe("tool", "/nonexistent:", out));
    assert_string_equal(out, want);
    assert_true(ctx_find_exe("tool", "", out));
    assert_string_equal(out, want);
    assert_int_equal(chdir(cwd), 0);

    snprintf(p, sizeof p, "rm -rf '%s'", real);
    assert_int_equal(system(p), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_once),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_find_exe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
