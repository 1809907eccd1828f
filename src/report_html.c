/*
 * report_html.c: the forward-task report and the inverse task's answer as
 * one self-contained HTML page each, and the report's per-layer table as
 * CSV (`--format html`, `--format csv`; docs/report.md, docs/inverse.md).
 *
 * A page is plain HTML with inline SVG charts and an inline style sheet:
 * no script, no font, nothing fetched. Every figure comes from the
 * structures the text and JSON reports print (CostResult, SolveResult);
 * the charts only place them. Each element a reader (or a test, through
 * the DOM) looks for has a class: a report has one `rect.layer` per layer
 * (coloured by kind, with a `rect.level` in its memory level's colour), a
 * `circle.roof-point` per layer with multiply-accumulates against the
 * target's compute (`line.ceiling`) and bandwidth (`line.bandwidth`)
 * ceilings, and one `rect.fit` per memory fit; a solve has one `g.device`
 * per target with an estimate in each of its two charts (rate against
 * price, rate against power) and a `line.required`. The details, a
 * rejected target's reasons included, are each element's SVG <title>,
 * which a browser shows on hover. Coordinates are written with one
 * decimal from finite values only: a rate the model finds unbounded is
 * drawn at the top of its chart and said so.
 */
#include "bnnc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

static void esc(FILE *f, const char *s) {
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
}

static const char *const page_style =
    "body{font:14px/1.4 sans-serif;margin:24px;color:#222;background:#fff}\n"
    "h1{font-size:20px}h2{font-size:16px;margin-top:28px}\n"
    "svg{display:block;margin:8px 0}svg text{font:11px sans-serif;fill:#222}\n"
    "svg .axis{stroke:#999;stroke-width:1}svg .grid{stroke:#e4e4e4;stroke-width:1}\n"
    "table{border-collapse:collapse;font-size:12px}\n"
    "td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}\n"
    "td:first-child,th:first-child,td.l{text-align:left}\n"
    ".note{color:#555}\n";

static void page_head(FILE *f, const char *title) {
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    esc(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_style);
}

static void page_foot(FILE *f) {
    fputs("<p class=\"note\">Written by bnnc; the figures are those of the text and JSON "
          "reports.</p>\n</body>\n</html>\n",
          f);
}

/* A coordinate: one decimal, never inf or nan. */
static double px(double v) {
    return isfinite(v) ? v : 0;
}

/* A log10 axis from decade lo to decade hi onto pixels p0..p1. */
typedef struct {
    int lo, hi;
    double p0, p1;
} LogAxis;

static void axis_fit(LogAxis *a, double vmin, double vmax, double p0, double p1) {
    if (!(vmin > 0) || !isfinite(vmin))
        vmin = 1;
    if (!(vmax > 0) || !isfinite(vmax) || vmax < vmin)
        vmax = vmin;
    a->lo = (int)floor(log10(vmin));
    a->hi = (int)ceil(log10(vmax));
    if (a->hi <= a->lo)
        a->hi = a->lo + 1;
    a->p0 = p0;
    a->p1 = p1;
}

static double axis_at(const LogAxis *a, double v) {
    double l = v > 0 && isfinite(v) ? log10(v) : v > 0 ? a->hi : a->lo;
    if (l < a->lo)
        l = a->lo;
    if (l > a->hi)
        l = a->hi;
    return a->p0 + (l - a->lo) / (a->hi - a->lo) * (a->p1 - a->p0);
}

/* The label of decade k: an SI count (rates, MAC/s) or a plain number. */
static void decade_label(char *buf, size_t n, int k, bool count) {
    if (count)
        report_count(buf, n, pow(10, k));
    else
        report_num(buf, n, pow(10, k));
}

/* Grid lines and labels of a horizontal (x) axis at y = base and a
 * vertical (y) one at x = left, over the box [left, right] x [top, base]. */
static void axes(FILE *f, const LogAxis *x, const LogAxis *y, double left, double right,
                 double top, double base, bool xcount, bool ycount, const char *xtitle,
                 const char *ytitle) {
    char b[32];
    for (int k = x->lo; k <= x->hi; k++) {
        double p = axis_at(x, pow(10, k));
        decade_label(b, sizeof b, k, xcount);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", p, top,
                p, base);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", p, base + 14,
                b);
    }
    for (int k = y->lo; k <= y->hi; k++) {
        double p = axis_at(y, pow(10, k));
        decade_label(b, sizeof b, k, ycount);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", left, p,
                right, p);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", left - 4, p + 4,
                b);
    }
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", left, base,
            right, base);
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", left, top,
            left, base);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
            (left + right) / 2, base + 30, xtitle);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f "
               "%.1f)\">%s</text>\n",
            left - 52, (top + base) / 2, left - 52, (top + base) / 2, ytitle);
}

/* ------------------------------------------------------------- report */

typedef enum { KIND_BINARY, KIND_FLOAT, KIND_ELEMENTWISE } LayerKind;
static const char *const kind_names[] = {"binary", "float", "element-wise"};
static const char *const kind_colors[] = {"#1f77b4", "#ff7f0e", "#9a9a9a"};
static const char *const level_colors[] = {"#2ca02c", "#bcbd22", "#9467bd", "#8c564b",
                                           "#e377c2", "#17becf", "#d62728", "#7f7f7f"};

/* Binary: XNOR-popcount layers (bit-serial ones included); float: layers
 * with float multiply-accumulates; element-wise: the rest. */
static LayerKind layer_kind(const CostLayer *l) {
    if (ir_is_binary(l->n) || ir_is_bitserial(l->n))
        return KIND_BINARY;
    return l->fmacs > 0 ? KIND_FLOAT : KIND_ELEMENTWISE;
}

static const char *level_color(int k) {
    return k >= 0 ? level_colors[k % (int)(sizeof level_colors / sizeof level_colors[0])]
                  : "#ffffff";
}

static const char *level_of(const CostTarget *t, int k) {
    return k >= 0 ? t->lv[k].name : "-";
}

static void legend(FILE *f, const CostTarget *t, double y) {
    double x = 10;
    for (int k = 0; k < 3; k++) {
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                x, y, kind_colors[k], x + 14, y + 9, kind_names[k]);
        x += 110;
    }
    x += 20;
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">memory level:</text>\n", x, y + 9);
    x += 84;
    for (int k = 0; k < t->nlv; k++) {
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"6\" height=\"10\" fill=\"%s\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\">",
                x, y, level_color(k), x + 10, y + 9);
        esc(f, t->lv[k].name);
        fputs("</text>\n", f);
        x += 20 + 7 * (double)strlen(t->lv[k].name);
    }
}

/* One bar per layer, its length the layer's time, its colour its kind; a
 * mark before it in the colour of the memory level of its activations. */
static void layer_bars(FILE *f, const CostResult *r) {
    const double left = 190, width = 560, row = 16, top = 34;
    double maxshare = 0;
    for (int i = 0; i < r->n; i++)
        if (r->layers[i].share > maxshare)
            maxshare = r->layers[i].share;
    fprintf(f, "<svg id=\"layers\" xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" "
               "height=\"%.0f\">\n",
            top + row * r->n + 10);
    legend(f, r->t, 6);
    for (int i = 0; i < r->n; i++) {
        const CostLayer *l = &r->layers[i];
        LayerKind k = layer_kind(l);
        double y = top + row * i;
        double w = maxshare > 0 ? l->share / maxshare * width : 0;
        if (!(w >= 1))
            w = 1; /* every layer has a bar one can hover */
        char tm[32], sh[64];
        report_time(tm, sizeof tm, l->time);
        shape_format(sh, sizeof sh, &l->n->shape);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", left - 12, y + 11);
        esc(f, l->n->name);
        fprintf(f, "</text><rect class=\"level\" x=\"%.1f\" y=\"%.1f\" width=\"6\" "
                   "height=\"12\" fill=\"%s\" stroke=\"#999\" stroke-width=\"0.5\"/>",
                left - 9, y + 1, level_color(l->level));
        fputs("<rect class=\"layer\" data-layer=\"", f);
        esc(f, l->n->name);
        fprintf(f, "\" data-kind=\"%s\" data-level=\"", kind_names[k]);
        esc(f, level_of(r->t, l->level));
        fprintf(f, "\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"%s\"><title>",
                left, y + 1, px(w), kind_colors[k]);
        esc(f, l->n->name);
        fprintf(f, ": %s -> %s%s, %s; activations in ", ir_op_label(l->n),
                dtype_name(l->n->type), sh, kind_names[k]);
        esc(f, level_of(r->t, l->level));
        fprintf(f, "; %s (%.1f%% of the latency)</title></rect>", tm, 100 * l->share);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s %.1f%%</text>\n", left + px(w) + 4, y + 11, tm,
                100 * l->share);
    }
    fputs("</svg>\n", f);
}

/* The roofline: each layer with multiply-accumulates at its arithmetic
 * intensity (MACs per byte of its working set, what the roofline model
 * moves) and its attained rate (MACs over its time), under the target's
 * compute ceilings (binary: f x p x e x W / c_x; float: f x p x e x float
 * lanes / fmac) and each memory level's bandwidth. */
static void roofline(FILE *f, const CostResult *r) {
    const CostTarget *t = r->t;
    double e = r->threads > 1 ? t->efficiency : 1;
    double peak[2] = {t->clock * r->threads * e * t->word / t->c_x,
                      t->clock * r->threads * e * t->flanes / t->fmac};
    const char *peak_name[2] = {"binary", "float"};
    double imin = INFINITY, imax = 0, pmin = INFINITY, pmax = 0;
    int npoints = 0, nout = 0;
    for (int i = 0; i < r->n; i++) {
        const CostLayer *l = &r->layers[i];
        double macs = (double)(l->bmacs + l->fmacs);
        if (macs <= 0 || l->time <= 0 || l->ws_bytes <= 0) {
            nout++;
            continue;
        }
        double in = macs / (double)l->ws_bytes, p = macs / l->time;
        imin = fmin(imin, in), imax = fmax(imax, in);
        pmin = fmin(pmin, p), pmax = fmax(pmax, p);
        npoints++;
    }
    double top_peak = 0;
    for (int k = 0; k < 2; k++)
        if (isfinite(peak[k]) && peak[k] > top_peak)
            top_peak = peak[k];
    if (npoints == 0) {
        fputs("<p class=\"note\">No layer has multiply-accumulates: nothing to place on a "
              "roofline.</p>\n",
              f);
        return;
    }
    /* The x range takes in the ridge points, where a bandwidth meets a
     * compute ceiling, within four decades of the layers. */
    double xlo = imin, xhi = imax;
    for (int k = 0; k < t->nlv; k++)
        for (int c = 0; c < 2; c++) {
            double ridge = peak[c] / t->lv[k].bandwidth;
            if (isfinite(ridge) && ridge > 0 && ridge > imin / 1e4 && ridge < imax * 1e4) {
                xlo = fmin(xlo, ridge);
                xhi = fmax(xhi, ridge);
            }
        }
    const double left = 90, right = 760, top = 20, base = 300;
    LogAxis x, y;
    axis_fit(&x, xlo, xhi, left, right);
    axis_fit(&y, fmin(pmin, top_peak), fmax(pmax, top_peak), base, top);
    fprintf(f, "<svg id=\"roofline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" "
               "height=\"%.0f\">\n",
            base + 44);
    axes(f, &x, &y, left, right, top, base, false, true,
         "arithmetic intensity (MACs per byte of working set)", "MACs per second");
    for (int c = 0; c < 2; c++) {
        if (!(peak[c] > 0) || !isfinite(peak[c]))
            continue;
        char b[32];
        report_count(b, sizeof b, peak[c]);
        double py = axis_at(&y, peak[c]);
        fprintf(f, "<line class=\"ceiling\" data-what=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                   "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\">"
                   "<title>%s compute ceiling: %sMAC/s</title></line>",
                peak_name[c], left, py, right, py, kind_colors[c], peak_name[c], b);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s peak %sMAC/s</text>\n", right + 4, py + 4,
                peak_name[c], b);
    }
    /* A bandwidth: the line log P = log B + log I, clipped to the chart
     * and to the highest compute ceiling. */
    double ytop = log10(top_peak > 0 ? top_peak : pow(10, y.hi));
    int drawn = 0; /* labels stacked below the lines' ends */
    for (int k = 0; k < t->nlv; k++) {
        const CostLevel *v = &t->lv[k];
        if (!(v->bandwidth > 0) || !isfinite(v->bandwidth))
            continue;
        double cb = log10(v->bandwidth);
        double a = fmax(x.lo, y.lo - cb), b = fmin(x.hi, ytop - cb);
        if (!(a < b))
            continue;
        char bw[32];
        report_num(bw, sizeof bw, v->bandwidth / 1e9);
        double x1 = axis_at(&x, pow(10, a)), y1 = axis_at(&y, pow(10, a + cb));
        double x2 = axis_at(&x, pow(10, b)), y2 = axis_at(&y, pow(10, b + cb));
        fputs("<line class=\"bandwidth\" data-level=\"", f);
        esc(f, v->name);
        fprintf(f, "\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"1.5\"><title>",
                x1, y1, x2, y2, level_color(k));
        esc(f, v->name);
        fprintf(f, " bandwidth: %s GB/s%s</title></line><text x=\"%.1f\" y=\"%.1f\" "
                   "fill=\"%s\">",
                bw, v->bandwidth_given ? "" : " (derived)", x2 + 3, y2 + 12 + 12 * drawn++,
                level_color(k));
        esc(f, v->name);
        fputs("</text>\n", f);
    }
    for (int i = 0; i < r->n; i++) {
        const CostLayer *l = &r->layers[i];
        double macs = (double)(l->bmacs + l->fmacs);
        if (macs <= 0 || l->time <= 0 || l->ws_bytes <= 0)
            continue;
        double in = macs / (double)l->ws_bytes, p = macs / l->time;
        char bi[32], bp[32], bw[32];
        report_num(bi, sizeof bi, in);
        report_count(bp, sizeof bp, p);
        report_bytes(bw, sizeof bw, (double)l->ws_bytes);
        fputs("<circle class=\"roof-point\" data-layer=\"", f);
        esc(f, l->n->name);
        fprintf(f, "\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" fill-opacity=\"0.8\" "
                   "stroke=\"#222\" stroke-width=\"0.5\"><title>",
                axis_at(&x, in), axis_at(&y, p), kind_colors[layer_kind(l)]);
        esc(f, l->n->name);
        fprintf(f, ": %s MACs per byte of a %s working set, %sMAC/s</title></circle>\n", bi, bw,
                bp);
    }
    fputs("</svg>\n", f);
    if (nout)
        fprintf(f, "<p class=\"note\">%d layer%s without multiply-accumulates (element-wise, "
                   "pooling, shape) %s not on the roofline.</p>\n",
                nout, nout == 1 ? "" : "s", nout == 1 ? "is" : "are");
}

/* One bar per memory fit: what must fit against what the memory holds. */
static void fit_bars(FILE *f, const CostResult *r) {
    if (r->nfits == 0) {
        fputs("<p class=\"fits-unknown\">fits: unknown, the target declares no memory.</p>\n", f);
        return;
    }
    const double left = 190, width = 500, row = 26;
    fprintf(f, "<svg id=\"fits\" xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" "
               "height=\"%.0f\">\n",
            row * r->nfits + 8);
    for (int i = 0; i < r->nfits; i++) {
        const CostFit *fi = &r->fits[i];
        double need = (double)fi->need, have = fi->have;
        double scale = fmax(need, have);
        double wn = scale > 0 ? need / scale * width : 0, wh = scale > 0 ? have / scale * width : 0;
        double spare = have - need;
        bool fits = spare >= 0;
        char a[32], b[32], x[32];
        report_bytes(a, sizeof a, need);
        report_bytes(b, sizeof b, have);
        report_bytes(x, sizeof x, fabs(spare));
        double y = 4 + row * i;
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s in ", left - 8, y + 13,
                fi->what);
        esc(f, fi->level);
        fprintf(f, "</text><rect class=\"fit-have\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"18\" fill=\"#f2f2f2\" stroke=\"#666\"/>",
                left, y, px(wh));
        fprintf(f, "<rect class=\"fit\" data-what=\"%s\" data-level=\"", fi->what);
        esc(f, fi->level);
        fprintf(f, "\" data-fits=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" "
                   "fill=\"%s\"><title>%s %s in ",
                fits ? "yes" : "no", left, y + 3, px(wn > 1 ? wn : 1), fits ? "#2ca02c" : "#d62728",
                fi->what, a);
        esc(f, fi->level);
        fprintf(f, " (%s): %s, %s %s</title></rect>", b, fits ? "yes" : "NO", x,
                fits ? "spare" : "over");
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s of %s: %s %s</text>\n",
                left + fmax(px(wn), px(wh)) + 6, y + 13, a, b, x, fits ? "spare" : "over");
    }
    fputs("</svg>\n", f);
}

static void layer_table(FILE *f, const CostResult *r) {
    fputs("<table id=\"layer-table\">\n<tr><th>layer</th><th>op</th><th>output</th>"
          "<th>bMACs</th><th>fMACs</th><th>XNOROP</th><th>util</th><th>LXNOROP</th>"
          "<th>mem</th><th>cycles</th><th>time</th><th>share</th></tr>\n",
          f);
    for (int i = 0; i < r->n; i++) {
        const CostLayer *l = &r->layers[i];
        bool bin = ir_is_binary(l->n) || ir_is_bitserial(l->n);
        char a[32], b[32], x[32], lx[32], u[16] = "-", cy[32], tm[32], sh[64];
        report_layer_counts(l, a, b, x, lx);
        if (bin)
            snprintf(u, sizeof u, "%.0f%%", l->util * 100);
        report_count(cy, sizeof cy, l->cycles);
        report_time(tm, sizeof tm, l->time);
        shape_format(sh, sizeof sh, &l->n->shape);
        fputs("<tr><td>", f);
        esc(f, l->n->name);
        fprintf(f, "</td><td class=\"l\">%s</td><td class=\"l\">%s%s</td><td>%s</td><td>%s</td>"
                   "<td>%s</td><td>%s</td><td>%s</td><td class=\"l\">",
                ir_op_label(l->n), dtype_name(l->n->type), sh, a, b, x, u, lx);
        esc(f, level_of(r->t, l->level));
        fprintf(f, "</td><td>%s</td><td>%s</td><td>%.1f%%</td></tr>\n", cy, tm, 100 * l->share);
    }
    fputs("</table>\n", f);
}

void report_html(FILE *f, const CostResult *r) {
    const CostTarget *t = r->t;
    char title[256], a[32], b[32], clk[32];
    snprintf(title, sizeof title, "bnnc report: %s on %s", r->g->name, t->name);
    page_head(f, title);
    fputs("<h1>network ", f);
    esc(f, r->g->name);
    fputs(" on target ", f);
    esc(f, t->name);
    fputs("</h1>\n<p class=\"summary\">", f);
    report_time(a, sizeof a, r->time);
    fprintf(f, "latency %s per inference; ", a);
    if (isfinite(r->rate)) {
        report_num(b, sizeof b, r->rate);
        fprintf(f, "rate <b id=\"rate\">%s</b> inferences per second", b);
    } else {
        fputs("rate <b id=\"rate\">unbounded</b>: the estimate is 0 s per inference", f);
    }
    report_freq(clk, sizeof clk, t->clock);
    fprintf(f, "<br>\n%d thread%s, memory model %s; target: ", r->threads,
            r->threads == 1 ? "" : "s", cost_model_names[r->model]);
    esc(f, t->cls);
    fprintf(f, ", %s, %d core%s, word %d bits, vector %d bits<br>\nfigures: %s</p>\n", clk,
            t->cores, t->cores == 1 ? "" : "s", t->word, t->vector, report_figures(t));
    fprintf(f, "<h2>Time per layer</h2>\n");
    layer_bars(f, r);
    fputs("<h2>Roofline</h2>\n", f);
    roofline(f, r);
    fputs("<h2>Memory</h2>\n", f);
    report_bytes(a, sizeof a, (double)r->weight_bytes);
    report_bytes(b, sizeof b, (double)r->param_bytes);
    char c[32];
    report_bytes(c, sizeof c, (double)r->act_bytes);
    fprintf(f, "<p>packed weights %s, float parameters %s, activations %s peak (arena)</p>\n", a,
            b, c);
    fit_bars(f, r);
    fputs("<h2>Layers</h2>\n", f);
    layer_table(f, r);
    page_foot(f);
}

/* ---------------------------------------------------------------- CSV */

/* A double as JSON writes it: 15 significant digits. */
static void csv_num(FILE *f, double v) {
    if (isfinite(v))
        fprintf(f, ",%.15g", v);
    else
        fputc(',', f); /* not reached: the layers' figures are finite */
}

static void csv_field(FILE *f, const char *s) {
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_text(FILE *f, const char *s) {
    fputc(',', f);
    csv_field(f, s);
}

void report_csv(FILE *f, const CostResult *r) {
    fputs("layer,op,dtype,shape,kind,binary_macs,float_macs,xnorop,utilisation,lxnorop,"
          "memory_level,weight_memory_level,threads,cycles,compute_time_s,traffic_time_s,"
          "time_s,share\n",
          f);
    for (int i = 0; i < r->n; i++) {
        const CostLayer *l = &r->layers[i];
        const IrNode *n = l->n;
        bool bin = ir_is_binary(n) || ir_is_bitserial(n);
        char shape[64] = "";
        for (int k = 0; k < n->shape.rank; k++) {
            size_t len = strlen(shape);
            snprintf(shape + len, sizeof shape - len, "%s%lld", k ? "x" : "",
                     (long long)n->shape.d[k]);
        }
        csv_field(f, n->name);
        csv_text(f, ir_op_label(n));
        csv_text(f, dtype_name(n->type));
        csv_text(f, shape);
        csv_text(f, kind_names[layer_kind(l)]);
        fprintf(f, ",%lld,%lld", (long long)l->bmacs, (long long)l->fmacs);
        if (bin) {
            fprintf(f, ",%lld", (long long)l->xnorop);
            csv_num(f, l->util);
            csv_num(f, l->lxnorop);
        } else {
            fputs(",,,", f);
        }
        csv_text(f, l->level >= 0 ? r->t->lv[l->level].name : "");
        csv_text(f, l->wlevel >= 0 ? r->t->lv[l->wlevel].name : "");
        fprintf(f, ",%d", l->threads);
        csv_num(f, l->cycles);
        csv_num(f, l->t_compute);
        csv_num(f, l->t_traffic);
        csv_num(f, l->time);
        csv_num(f, l->share);
        fputc('\n', f);
    }
}

/* -------------------------------------------------------------- solve */

static bool incomplete(const SolveEntry *e) {
    return e->nwhy && e->why[0].kind == WHY_INCOMPLETE;
}

/* The hover text of a target: its figures, then why it qualifies or the
 * reasons of the text answer. */
static void device_title(FILE *f, const SolveEntry *e, const SolveOptions *o) {
    char a[32], b[32];
    esc(f, e->t.name);
    fputs(" (", f);
    esc(f, e->t.cls);
    report_freq(b, sizeof b, e->t.clock);
    fprintf(f, ", %s, %d core%s)\n", b, e->t.cores, e->t.cores == 1 ? "" : "s");
    if (isfinite(e->rate)) {
        report_count(a, sizeof a, e->rate);
        report_num(b, sizeof b, e->margin);
        fprintf(f, "%s inferences/s on %d thread%s, margin %sx\n", a, e->threads,
                e->threads == 1 ? "" : "s", b);
    } else {
        fprintf(f, "rate unbounded: the estimate is 0 s per inference\n");
    }
    if (e->t.price >= 0) {
        report_num(a, sizeof a, e->t.price);
        fprintf(f, "price %s USD", a);
    } else {
        fputs("price unknown", f);
    }
    if (e->t.power >= 0) {
        report_num(a, sizeof a, e->t.power);
        fprintf(f, ", power %s W\n", a);
    } else {
        fputs(", power unknown\n", f);
    }
    if (e->feasible) {
        fprintf(f, "feasible: reaches the rate with %d of %d thread%s", e->fewest, e->threads,
                e->threads == 1 ? "" : "s");
        return;
    }
    fputs("rejected:", f);
    for (int k = 0; k < e->nwhy; k++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (!m)
            continue;
        solve_why_text(m, e, &e->why[k], o);
        fclose(m);
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
            fputc('\n', f);
            esc(f, line + strspn(line, " "));
        }
        free(buf);
    }
    if (e->compression == 1)
        fputs("\nturning compression on (-fcompress) would make it feasible", f);
}

/* Rate (log) against price or power (log), with the targets whose price or
 * power is unknown in a column of their own at the right. */
static void device_chart(FILE *f, const SolveOptions *o, const SolveResult *r, bool power) {
    const char *what = power ? "power" : "price";
    const char *unit = power ? "W" : "USD";
    double rmin = o->rate, rmax = o->rate, vmin = INFINITY, vmax = 0;
    int unknown = 0;
    for (int i = 0; i < r->n; i++) {
        const SolveEntry *e = &r->e[i];
        if (incomplete(e))
            continue;
        if (isfinite(e->rate) && e->rate > 0)
            rmin = fmin(rmin, e->rate), rmax = fmax(rmax, e->rate);
        double v = power ? e->t.power : e->t.price;
        if (v > 0)
            vmin = fmin(vmin, v), vmax = fmax(vmax, v);
        else
            unknown++;
    }
    const double left = 90, right = unknown ? 700 : 780, top = 20, base = 320;
    const double ucol = 760; /* the column of unknown prices or powers */
    LogAxis x, y;
    axis_fit(&x, vmin, vmax, left, right);
    axis_fit(&y, rmin, rmax, base, top);
    fprintf(f, "<svg id=\"by-%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" "
               "height=\"%.0f\">\n",
            what, base + 44);
    char xt[64];
    snprintf(xt, sizeof xt, "%s (%s)", what, unit);
    axes(f, &x, &y, left, right, top, base, false, true, xt, "inferences per second");
    if (unknown)
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s unknown</text>\n", ucol,
                base + 14, what);
    char b[32];
    report_num(b, sizeof b, o->rate);
    double ry = axis_at(&y, o->rate);
    fprintf(f, "<line class=\"required\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
               "stroke=\"#d62728\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"><title>required: "
               "%s inferences per second</title></line><text x=\"%.1f\" y=\"%.1f\" "
               "fill=\"#d62728\">required %s/s</text>\n",
            left, ry, unknown ? ucol + 30 : right, ry, b, left + 4, ry - 4, b);
    for (int i = 0; i < r->n; i++) {
        const SolveEntry *e = &r->e[i];
        if (incomplete(e))
            continue;
        double v = power ? e->t.power : e->t.price;
        double cx = v > 0 ? axis_at(&x, v) : ucol;
        double cy = axis_at(&y, isfinite(e->rate) ? e->rate : pow(10, y.hi));
        fputs("<g class=\"device\" data-target=\"", f);
        esc(f, e->t.name);
        fprintf(f, "\" data-feasible=\"%s\"><title>", e->feasible ? "yes" : "no");
        device_title(f, e, o);
        fputs("</title>", f);
        if (e->feasible)
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#2ca02c\" "
                       "stroke=\"#145214\"/><text x=\"%.1f\" y=\"%.1f\">",
                    cx, cy, cx + 7, cy - 5);
        else
            fprintf(f, "<path d=\"M%.1f %.1fl8 8m0 -8l-8 8\" stroke=\"#d62728\" "
                       "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"#777\">",
                    cx - 4, cy - 4, cx + 7, cy - 5);
        esc(f, e->t.name);
        fputs("</text></g>\n", f);
    }
    fputs("</svg>\n", f);
}

void solve_html(FILE *f, const IrGraph *g, const SolveOptions *o, const SolveResult *r) {
    char title[256], a[32];
    snprintf(title, sizeof title, "bnnc solve: %s", g->name);
    page_head(f, title);
    report_num(a, sizeof a, o->rate);
    fputs("<h1>network ", f);
    esc(f, g->name);
    fprintf(f, " must reach %s inferences per second</h1>\n", a);
    fprintf(f, "<p class=\"summary\">memory model %s, threads: ", cost_model_names[o->model]);
    if (o->threads == 0)
        fputs("all cores of each target", f);
    else
        fprintf(f, "at most %d", o->threads);
    fprintf(f, "; ranked by %s<br>\nsearched %d target%s", solve_rank_names[o->rank],
            r->searched, r->searched == 1 ? "" : "s");
    if (r->filtered)
        fprintf(f, " (%d left out by --class)", r->filtered);
    fprintf(f, ": <b id=\"qualifying\">%d</b> reach%s it, %d do%s not. Feasible targets are "
               "green dots, rejected ones red crosses; hover over one for its figures and "
               "reasons.</p>\n",
            r->nfeasible, r->nfeasible == 1 ? "es" : "", r->n - r->nfeasible,
            r->n - r->nfeasible == 1 ? "es" : "");
    fputs("<h2>Rate against price</h2>\n", f);
    device_chart(f, o, r, false);
    fputs("<h2>Rate against power</h2>\n", f);
    device_chart(f, o, r, true);
    if (r->nfeasible) {
        fprintf(f, "<h2>Feasible, ranked by %s</h2>\n<table id=\"feasible\">\n<tr><th>target"
                   "</th><th>class</th><th>rate/s</th><th>margin</th><th>threads</th><th>price"
                   "</th><th>power</th></tr>\n",
                solve_rank_names[o->rank]);
        for (int i = 0; i < r->nfeasible; i++) {
            const SolveEntry *e = &r->e[i];
            char rt[32] = "unbounded", mg[32] = "unbounded", pr[32] = "-", pw[32] = "-";
            if (isfinite(e->rate)) {
                report_count(rt, sizeof rt, e->rate);
                report_num(mg, sizeof mg - 1, e->margin);
                strcat(mg, "x");
            }
            solve_price_power(e, pr, pw);
            fputs("<tr><td>", f);
            esc(f, e->t.name);
            fputs("</td><td class=\"l\">", f);
            esc(f, e->t.cls);
            fprintf(f, "</td><td>%s</td><td>%s</td><td>%d of %d</td><td>%s</td><td>%s</td></tr>\n",
                    rt, mg, e->fewest, e->threads, pr, pw);
        }
        fputs("</table>\n", f);
    }
    int ninc = 0;
    for (int i = 0; i < r->n; i++)
        ninc += incomplete(&r->e[i]);
    if (ninc) {
        fputs("<h2>Not estimated</h2>\n<ul class=\"incomplete\">\n", f);
        for (int i = 0; i < r->n; i++)
            if (incomplete(&r->e[i])) {
                fputs("<li>", f);
                esc(f, r->e[i].t.name);
                fputs(": ", f);
                esc(f, r->e[i].t.problem);
                fputs("</li>\n", f);
            }
        fputs("</ul>\n", f);
    }
    page_foot(f);
}
