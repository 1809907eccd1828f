/* test_units.c: quantities, units and target inheritance. */
#include "support.h"

#include <math.h>
#include <string.h>

static double prop(Run *r, const char *target, const char *path) {
    for (int i = 0; i < r->m.targets.n; i++) {
        IrTarget *t = r->m.targets.v[i];
        if (strcmp(t->name, target) == 0) {
            const TProp *p = ir_target_get(t, path);
            if (!p)
                fail_msg("target '%s' has no '%s'", target, path);
            return p->value;
        }
    }
    fail_msg("no target '%s'", target);
    return 0;
}

static void test_values(void **state) {
    (void)state;
    Run r;
    run_source(&r, "bnn 1;\ntarget a {\n clock = 1.2 GHz; cores = 4; word = 64 bits;\n"
                   " cost { xnor = 1 cycle; popcount = 12 cycles; }\n"
                   " memory { l1 { size = 32 KiB; bandwidth = 16 B/cycle; }\n"
                   "          dram { size = 1 GiB; bandwidth = 3.6 GB/s; } }\n"
                   " price = 35 USD; power = 250 mW; validated_error = 25 percent;\n"
                   " overlap = no; figures = derived;\n}\n"
                   "target b : a { clock = 1400 MHz; memory { l1 { size = 64 KB; } } }\n");
    assert_true(r.ok);
    assert_true(prop(&r, "a", "clock") == 1.2e9);
    assert_true(prop(&r, "a", "cores") == 4);
    assert_true(prop(&r, "a", "word") == 64);
    assert_true(prop(&r, "a", "cost.popcount") == 12);
    assert_true(prop(&r, "a", "memory.l1.size") == 32768);
    assert_true(prop(&r, "a", "memory.dram.size") == 1073741824.0);
    assert_true(prop(&r, "a", "memory.l1.bandwidth") == 16);
    assert_true(prop(&r, "a", "memory.dram.bandwidth") == 3.6e9);
    assert_true(fabs(prop(&r, "a", "validated_error") - 0.25) < 1e-15);
    assert_true(prop(&r, "a", "power") == 0.25);
    /* b inherits everything and overrides clock and one level's size. */
    assert_true(prop(&r, "b", "clock") == 1.4e9);
    assert_true(prop(&r, "b", "memory.l1.size") == 64000);
    assert_true(prop(&r, "b", "memory.l1.bandwidth") == 16);
    assert_true(prop(&r, "b", "price") == 35);
    run_free(&r);
}

static void test_format(void **state) {
    (void)state;
    char b[64];
    unit_format(b, sizeof b, 1.2e9, DIM_FREQ);
    assert_string_equal(b, "1.2 GHz");
    unit_format(b, sizeof b, 32768, DIM_BYTES);
    assert_string_equal(b, "32 KiB");
    unit_format(b, sizeof b, 64000, DIM_BYTES);
    assert_string_equal(b, "64 KB");
    unit_format(b, sizeof b, 1000, DIM_BYTES);
    assert_string_equal(b, "1 KB");
    unit_format(b, sizeof b, 1000 + 24, DIM_BYTES);
    assert_string_equal(b, "1 KiB");
    unit_format(b, sizeof b, 120e-9, DIM_TIME);
    assert_string_equal(b, "120 ns");
    unit_format(b, sizeof b, 1, DIM_CYCLES);
    assert_string_equal(b, "1 cycle");
    unit_format(b, sizeof b, 0.25, DIM_POWER);
    assert_string_equal(b, "250 mW");
    unit_format(b, sizeof b, 16, DIM_BPC);
    assert_string_equal(b, "16 B/cycle");
}

/* The text report's numbers: one style, no exponent, no 1024 MiB. */
static void test_report_numbers(void **state) {
    (void)state;
    char b[64];
    report_num(b, sizeof b, 64060.4);
    assert_string_equal(b, "64060");
    report_num(b, sizeof b, 20.0949);
    assert_string_equal(b, "20.09");
    report_num(b, sizeof b, 0.5);
    assert_string_equal(b, "0.5");
    report_num(b, sizeof b, 1013.2);
    assert_string_equal(b, "1013");
    report_num(b, sizeof b, 1.0);
    assert_string_equal(b, "1");
    report_num(b, sizeof b, 0.0012346);
    assert_string_equal(b, "0.001235");
    report_num(b, sizeof b, 3.2e9);
    assert_string_equal(b, "3200000000");
    report_bytes(b, sizeof b, 1024.0 * 1024 * 1024 - 189 * 1024);
    assert_string_equal(b, "1.00 GiB");
    report_bytes(b, sizeof b, 1013.0 * 1024 * 1024);
    assert_string_equal(b, "0.99 GiB");
    report_bytes(b, sizeof b, 999 * 1024.0);
    assert_string_equal(b, "999 KiB");
    report_bytes(b, sizeof b, 512);
    assert_string_equal(b, "512 B");
}

static void test_errors(void **state) {
    (void)state;
    assert_error("bnn 1; target t { clock = 32 KiB; }",
                 "t.bnn:1:27: error: unit mismatch: property 'clock' takes a frequency");
    assert_error("bnn 1; target t { clock = 3 Ghz; }", "unknown unit 'Ghz'");
    assert_error("bnn 1; target t { clock = 3 Ghz; }", "did you mean 'GHz'?");
    assert_error("bnn 1; target t { clock = 3; }", "property 'clock' needs a unit");
    assert_error("bnn 1; target t { cores = 2 GHz; }", "property 'cores' is a plain number");
    assert_error("bnn 1; target t { cores = 0; }", "'cores' must be a whole number");
    assert_error("bnn 1; target t { clock = -1 GHz; }",
                 "t.bnn:1:28: error: property 'clock' must be from 1 kHz to 100 GHz, not -1 GHz");
    /* Every numeric property has a range, enforced where it is written
     * (docs/language.md); values whose base unit overflows say what was
     * written, not "negative". */
    static const struct {
        const char *prop, *want;
    } ranges[] = {
        {"clock = 1e300 GHz", "property 'clock' must be from 1 kHz to 100 GHz, not 1e+300 GHz"},
        {"clock = 999 Hz", "property 'clock' must be from 1 kHz to 100 GHz, not 999 Hz"},
        {"cores = 0", "property 'cores' must be a whole number from 1 to 1000000, not 0"},
        {"cores = 2.5", "property 'cores' must be a whole number from 1 to 1000000, not 2.5"},
        {"lanes = 2000000", "property 'lanes' must be a whole number from 1 to 1000000"},
        {"efficiency = 0", "property 'efficiency' must be above 0 and at most 1, not 0"},
        {"efficiency = 1.5", "property 'efficiency' must be above 0 and at most 1, not 1.5"},
        {"word = 0 bits", "property 'word' must be a whole number from 1 to 65536, not 0 bits"},
        {"vector = 100000 bits", "property 'vector' must be a whole number from 1 to 65536"},
        {"price = -5 USD", "property 'price' must be from 0 to 1000000000 USD, not -5 USD"},
        {"power = 1e9 W", "property 'power' must be from 0 to 1000000 W, not 1e+09 W"},
        {"overhead = 1e300 s", "property 'overhead' must be from 0 to 1000 s, not 1e+300 s"},
        {"overhead = 1e13 cycles",
         "property 'overhead' must be from 0 to 1000000000000 cycles, not 1e+13 cycles"},
        {"validated_error = 2000 percent",
         "property 'validated_error' must be from 0 to 1000 percent, not 2000 percent"},
        {"cost { fmac = 1e308 cycles; }",
         "property 'fmac' must be from 0 to 100000 cycles, not 1e+308 cycles"},
        {"ops { conv2d = 1e308 cycles; }",
         "property 'conv2d' must be from 0 to 100000 cycles, not 1e+308 cycles"},
        {"ops { relu = -1 cycle; }", "property 'relu' must be from 0 to 100000 cycles, not -1 cycle"},
        {"memory { l1 { size = 0 B; } }", "property 'size' must be from 1 B to 16384 GiB, not 0 B"},
        {"memory { l1 { size = 1 KiB; bandwidth = 0 GB/s; } }",
         "property 'bandwidth' must be from 1 KB/s to 100000 GB/s, not 0 GB/s"},
        {"memory { l1 { size = 1 KiB; bandwidth = 1e9 B/cycle; } }",
         "property 'bandwidth' must be from 0.001 B/cycle to 100000 B/cycle, not 1e+09 B/cycle"},
    };
    for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
        char src[256];
        snprintf(src, sizeof src, "bnn 1; target t { %s%s }", ranges[k].prop,
                 strchr(ranges[k].prop, '}') ? "" : ";");
        assert_error(src, ranges[k].want);
    }
    /* The ends of each range are accepted. */
    Run ok;
    run_source(&ok, "bnn 1; target t { clock = 1 kHz; cores = 1000000; efficiency = 1;\n"
                    " word = 65536 bits; price = 0 USD; overhead = 1000 s; validated_error = 1000 percent;\n"
                    " cost { fmac = 100000 cycles; } ops { relu = 0 cycles; }\n"
                    " memory { l1 { size = 16384 GiB; bandwidth = 100000 GB/s; }\n"
                    "          l2 { size = 1 B; bandwidth = 0.001 B/cycle; } } }\n");
    if (!ok.ok)
        fail_msg("the ends of the ranges are refused:\n%s", ok.diag);
    run_free(&ok);
    assert_error("bnn 1; target t { clok = 1 GHz; }", "target 't' has no property called 'clok'");
    assert_error("bnn 1; target t { cache { } }", "target 't' has no section called 'cache'");
    assert_error("bnn 1; target t { cost { gathr = 2 cycles; } }",
                 "section 'cost' of target 't' has no property called 'gathr'");
    assert_error("bnn 1; target t { cost { gathr = 2 cycles; } }", "did you mean 'gather'?");
    assert_error("bnn 1; target t { cost { latency = 2 cycles; } }",
                 "section 'cost' of target 't' has no property called 'latency'");
    /* Properties of the earlier memory term: a located error that says
     * what replaced them. */
    assert_error("bnn 1; target t { memory { l2 { latency = 12 cycles; } } }",
                 "t.bnn:1:33: error: memory level 'memory.l2' has no property 'latency' any "
                 "more");
    assert_error("bnn 1; target t { memory { l2 { latency = 12 cycles; } } }",
                 "give 'bandwidth' (B/s or B/cycle)");
    assert_error("bnn 1; target t { memory { f { wait_states = 5; } } }",
                 "has no property 'wait_states' any more");
    assert_error("bnn 1; target t { memory { l2 { cost = 0.5 cycles; } } }",
                 "has no property 'cost' any more");
    assert_error("bnn 1; target t { loads_per_xnorop = 1; }",
                 "target 't' has no property 'loads_per_xnorop' any more");
    assert_error("bnn 1; target t { memory { l1 { bandwidth = 8 cycles; } } }",
                 "unit mismatch: property 'bandwidth' takes a bandwidth (B/s, KB/s, MB/s, GB/s, "
                 "KiB/s, MiB/s, GiB/s) or bytes per cycle (B/cycle)");
    assert_error("bnn 1; target t { overlap = maybe; }", "'overlap' is one of: yes, no");
    assert_error("bnn 1; target t { figures = guessed; }",
                 "'figures' is one of: measured, derived, estimated");
    assert_error("bnn 1; target t { cost { latency = 2 cycles; } }",
                 "'cost' holds the cycles of: xnor, popcount, accumulate, fmac, fadd, add, "
                 "compare, load, store, gather, tap, unpack");
    assert_error("bnn 1; target t { memory { l1 { speed = 1 GHz; } } }",
                 "memory level 'memory.l1' has no property called 'speed'");
    assert_error("bnn 1; target t { class = laptop; }", "'laptop' is not a value of 'class'");
    assert_error("bnn 1; target t { clock = 1 GHz; clock = 2 GHz; }",
                 "property 'clock' is set twice in target 't'");
    assert_error("bnn 1; target t : u { }", "target 't' inherits from unknown target 'u'");
    assert_error("bnn 1; target t : u { }\ntarget u : t { }", "inherits from itself");
    assert_error("bnn 1; target t { }\ntarget t { }", "target 't' is already declared");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_report_numbers),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
