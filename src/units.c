/*
 * units.c: units of the quantities in target descriptions.
 *
 * Each unit belongs to one dimension and scales to its base unit (Hz,
 * byte, bit, second, cycle, byte per second, byte per cycle, watt, US
 * dollar; `percent` is a plain number scaled by 0.01). Values are
 * stored in base units, so "1.2 GHz" and "1200 MHz" are the same number,
 * and a quantity of the wrong dimension is an error where it is written.
 */
#include "bnnc.h"

#include <math.h>
#include <string.h>

const UnitDesc unit_table[] = {
    {"Hz", DIM_FREQ, 1}, {"kHz", DIM_FREQ, 1e3}, {"MHz", DIM_FREQ, 1e6},
    {"GHz", DIM_FREQ, 1e9},
    {"B", DIM_BYTES, 1}, {"KB", DIM_BYTES, 1e3}, {"MB", DIM_BYTES, 1e6},
    {"GB", DIM_BYTES, 1e9}, {"KiB", DIM_BYTES, 1024.0},
    {"MiB", DIM_BYTES, 1048576.0}, {"GiB", DIM_BYTES, 1073741824.0},
    {"bit", DIM_BITS, 1}, {"bits", DIM_BITS, 1},
    {"ns", DIM_TIME, 1e-9}, {"us", DIM_TIME, 1e-6}, {"ms", DIM_TIME, 1e-3},
    {"s", DIM_TIME, 1},
    {"cycle", DIM_CYCLES, 1}, {"cycles", DIM_CYCLES, 1},
    {"B/s", DIM_BANDWIDTH, 1}, {"KB/s", DIM_BANDWIDTH, 1e3},
    {"MB/s", DIM_BANDWIDTH, 1e6}, {"GB/s", DIM_BANDWIDTH, 1e9},
    {"KiB/s", DIM_BANDWIDTH, 1024.0}, {"MiB/s", DIM_BANDWIDTH, 1048576.0},
    {"GiB/s", DIM_BANDWIDTH, 1073741824.0},
    {"B/cycle", DIM_BPC, 1},
    {"percent", DIM_NUMBER, 0.01},
    {"mW", DIM_POWER, 1e-3}, {"W", DIM_POWER, 1},
    {"USD", DIM_MONEY, 1},
};
const int unit_count = sizeof unit_table / sizeof unit_table[0];

const UnitDesc *unit_lookup(const char *name) {
    for (int i = 0; i < unit_count; i++)
        if (strcmp(unit_table[i].name, name) == 0)
            return &unit_table[i];
    return NULL;
}

const char *unit_dim_name(Dim d) {
    static const char *const n[DIM_COUNT] = {
        "a plain number", "a frequency", "a size in bytes", "a width in bits",
        "a time", "a number of cycles", "a bandwidth", "bytes per cycle", "a power",
        "a price",
        "a name",
    };
    return (unsigned)d < DIM_COUNT ? n[d] : "?";
}

const char *unit_dim_units(Dim d) {
    static const char *const n[DIM_COUNT] = {
        "no unit", "Hz, kHz, MHz, GHz", "B, KB, MB, GB, KiB, MiB, GiB", "bit, bits",
        "ns, us, ms, s", "cycle, cycles", "B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s",
        "B/cycle",
        "mW, W", "USD", "a name",
    };
    return (unsigned)d < DIM_COUNT ? n[d] : "?";
}

void unit_format(char *buf, size_t n, double v, Dim d) {
    static const struct { Dim d; const char *u; double s; } pick[] = {
        {DIM_FREQ, "GHz", 1e9}, {DIM_FREQ, "MHz", 1e6}, {DIM_FREQ, "kHz", 1e3},
        {DIM_FREQ, "Hz", 1},
        {DIM_BYTES, "GiB", 1073741824.0}, {DIM_BYTES, "GB", 1e9},
        {DIM_BYTES, "MiB", 1048576.0}, {DIM_BYTES, "MB", 1e6},
        {DIM_BYTES, "KiB", 1024.0}, {DIM_BYTES, "KB", 1e3}, {DIM_BYTES, "B", 1},
        {DIM_TIME, "s", 1}, {DIM_TIME, "ms", 1e-3}, {DIM_TIME, "us", 1e-6},
        {DIM_TIME, "ns", 1e-9},
        {DIM_BANDWIDTH, "GB/s", 1e9}, {DIM_BANDWIDTH, "MB/s", 1e6},
        {DIM_BANDWIDTH, "KB/s", 1e3}, {DIM_BANDWIDTH, "B/s", 1},
        {DIM_POWER, "W", 1}, {DIM_POWER, "mW", 1e-3},
    };
    int last = -1;
    for (size_t i = 0; i < sizeof pick / sizeof pick[0]; i++) {
        if (pick[i].d != d)
            continue;
        last = (int)i;
        /* Bytes: only a unit that divides exactly. */
        if (d == DIM_BYTES && pick[i].s > 1 && fmod(v, pick[i].s) != 0)
            continue;
        if (fabs(v / pick[i].s) >= 1) {
            snprintf(buf, n, "%.6g %s", v / pick[i].s, pick[i].u);
            return;
        }
    }
    if (last >= 0) {
        snprintf(buf, n, "%.6g %s", v / pick[last].s, pick[last].u);
        return;
    }
    const char *u = d == DIM_BITS ? " bits" : d == DIM_CYCLES ? (v == 1 ? " cycle" : " cycles")
                  : d == DIM_MONEY ? " USD" : d == DIM_BPC ? " B/cycle" : "";
    snprintf(buf, n, "%.6g%s", v, u);
}
