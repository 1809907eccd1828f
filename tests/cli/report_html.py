#!/usr/bin/python3
"""report_html.py BNNC ROOT: --format html and csv, and --output, without a browser
(tests/cli/browser.py renders the pages in Chromium).

For every example on three targets, the report page holds one bar per
layer (its kind and memory level as the JSON report says), one roofline
point per layer with multiply-accumulates, both compute ceilings and a
bandwidth per level, one bar per memory fit; no script, nothing fetched,
no inf or nan. The CSV table has the JSON report's layers and figures. The
solve page holds every target with an estimate once in each chart, with
the rejected ones' reasons in their titles. Then the unbounded rate, the
usage errors, and --output (the file whole or not at all)."""
import csv
import io
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_pages import (EXAMPLES, Page, Tally, check_report_page, check_solve_page,  # noqa: E402
                          report_json, run, solve_json)

bnnc, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
examples = EXAMPLES
tally = Tally("html")
check = tally.check


def self_contained(text):
    """No script, nothing fetched, no figure that is not finite."""
    errors = []
    if re.search(r"<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import", text):
        errors.append("the page loads or runs something")
    if re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", text).count("http"):
        errors.append("the page names a URL")
    if re.search(r'="[^"]*\b(nan|inf|-nan)\b', text, re.I) or re.search(r"\bnan\b|\binf\b", text):
        errors.append("inf or nan in the page")
    return errors


for ex in examples:
    path = os.path.join(root, "examples", ex + ".bnn")
    for target in ("cortex-m7", "rpi4b", "zen4"):
        args = [path, "--target", target]
        rep = report_json(bnnc, *args)
        text = run(bnnc, *args, "--report", "--format", "html")
        check("%s on %s: page" % (ex, target), check_report_page(Page(text), rep)
              + self_contained(text))
        rows = list(csv.DictReader(io.StringIO(run(bnnc, *args, "--report", "--format", "csv"))))
        errors = []
        if [r["layer"] for r in rows] != [l["name"] for l in rep["layers"]]:
            errors.append("CSV rows are not the layers")
        for r, l in zip(rows, rep["layers"]):
            for col, key in (("binary_macs", "binary_macs"), ("float_macs", "float_macs"),
                             ("threads", "threads")):
                if int(r[col]) != l[key]:
                    errors.append("%s %s: %s, JSON %s" % (l["name"], col, r[col], l[key]))
            for col, key in (("cycles", "cycles"), ("time_s", "time_s"), ("share", "share"),
                             ("compute_time_s", "compute_time_s"),
                             ("traffic_time_s", "traffic_time_s")):
                if abs(float(r[col]) - l[key]) > 1e-12 * max(1, abs(l[key])):
                    errors.append("%s %s: %s, JSON %s" % (l["name"], col, r[col], l[key]))
            if r["xnorop"] != (str(l["xnorop"]) if "xnorop" in l else ""):
                errors.append("%s xnorop: %r" % (l["name"], r["xnorop"]))
            if r["memory_level"] != (l["memory_level"] or ""):
                errors.append("%s memory_level: %r" % (l["name"], r["memory_level"]))
            if r["shape"] != "x".join(str(d) for d in l["shape"]):
                errors.append("%s shape: %r" % (l["name"], r["shape"]))
        total = sum(float(r["time_s"]) for r in rows)
        want = rep["totals"]["latency_s"] - rep["totals"]["overhead_s"]
        if abs(total - want) > 1e-9 * want:
            errors.append("the CSV times add up to %g, the latency less the overhead is %g"
                          % (total, want))
        check("%s on %s: CSV" % (ex, target), errors)
    # The inverse task over the whole catalog, at a rate some reach.
    sol = solve_json(bnnc, path, "--solve-fps", "30")
    text = run(bnnc, path, "--solve-fps", "30", "--format", "html")
    check("%s: solve page" % ex, check_solve_page(Page(text), sol) + self_contained(text))

with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)
    # A network whose estimate is 0 s: the rate is unbounded, never inf.
    with open("zero.bnn", "w") as f:
        f.write("bnn 1;\nnetwork z { input x : f32[8]; y = flatten(x); output y; }\n")
    text = run(bnnc, "zero.bnn", "--target", "rpi4b", "--report", "--format", "html")
    errors = self_contained(text)
    if '<b id="rate">unbounded</b>' not in text:
        errors.append("no 'unbounded' rate")
    check("unbounded rate: report", errors)
    text = run(bnnc, "zero.bnn", "--solve-fps", "1000", "--format", "html")
    errors = self_contained(text) + check_solve_page(Page(text), solve_json(
        bnnc, "zero.bnn", "--solve-fps", "1000"))
    if "rate unbounded: the estimate is 0 s per inference" not in text:
        errors.append("no unbounded rate in a title")
    check("unbounded rate: solve", errors)

    # Usage errors, each message pinned.
    lenet = os.path.join(root, "examples", "lenet_bin.bnn")
    usage = [
        ([lenet, "--target", "rpi4b", "--report", "--format", "pdf"],
         "bnnc: error: --format takes text, json, html or csv, not 'pdf'"),
        ([lenet, "--target", "rpi4b", "--format", "html"],
         "bnnc: error: --format html goes with --report or --solve-fps"),
        ([lenet, "--solve-fps", "30", "--format", "csv"],
         "bnnc: error: --format csv is the report's per-layer table: it goes with --report, "
         "not --solve-fps"),
        (["bench", lenet, "--target", "rpi4b", "--format", "html"],
         "bnnc: error: bnnc bench takes --format text or json, not 'html'"),
        ([lenet, "--target", "rpi4b", "--output", "x.html"],
         "bnnc: error: --output goes with --report or --solve-fps"),
        ([lenet, "--target", "rpi4b", "--explain", "c2", "--report", "--output", "x.html"],
         "bnnc: error: --output goes with --report or --solve-fps"),
    ]
    for args, message in usage:
        p = subprocess.run([bnnc, *args], capture_output=True, text=True)
        check("usage: %s" % " ".join(args[1:]),
              [] if p.returncode == 2 and p.stderr.splitlines()[0] == message and not p.stdout
              else ["exit %d, stderr %r" % (p.returncode, p.stderr)])

    # --output: the same bytes as standard output, for every format.
    for fmt in ("text", "json", "html", "csv"):
        args = [lenet, "--target", "cortex-m7", "--report", "--format", fmt]
        out = run(bnnc, *args)
        p = subprocess.run([bnnc, *args, "--output", "r." + fmt], capture_output=True, text=True)
        with open("r." + fmt) as f:
            check("--output r.%s" % fmt, [] if p.returncode == 0 and not p.stdout
                  and not p.stderr and f.read() == out else ["exit %d" % p.returncode])
    args = [lenet, "--solve-fps", "30", "--format", "html"]
    out = run(bnnc, *args)
    p = subprocess.run([bnnc, *args, "--output", "s.html"], capture_output=True, text=True)
    with open("s.html") as f:
        check("--output s.html", [] if p.returncode == 0 and not p.stdout
              and f.read() == out else ["exit %d" % p.returncode])
    # None reaches the rate: exit 3, and the page is still written.
    p = subprocess.run([bnnc, lenet, "--solve-fps", "1e9", "--format", "html", "--output",
                        "none.html"], capture_output=True, text=True)
    with open("none.html") as f:
        check("--output, no target qualifies", [] if p.returncode == 3
              and '<b id="qualifying">0</b>' in f.read() else ["exit %d" % p.returncode])
    # A folder: an error naming it, nothing written.
    os.mkdir("dir.html")
    p = subprocess.run([bnnc, lenet, "--target", "rpi4b", "--report", "--format", "html",
                        "--output", "dir.html"], capture_output=True, text=True)
    check("--output to a folder", [] if p.returncode == 1 and not p.stdout
          and p.stderr.startswith("bnnc: error: cannot write 'dir.html': ")
          and os.listdir("dir.html") == [] else ["exit %d, %r" % (p.returncode, p.stderr)])
    # An error in the input: no file, no temporary left.
    with open("bad.bnn", "w") as f:
        f.write("bnn 1;\nnetwork n { input x : f32[4]; y = relu(z); output y; }\n")
    p = subprocess.run([bnnc, "bad.bnn", "--target", "rpi4b", "--report", "--format", "html",
                        "--output", "bad.html"], capture_output=True, text=True)
    check("--output after an error", [] if p.returncode == 1 and not os.path.exists("bad.html")
          and not [n for n in os.listdir(".") if n.startswith("bad.html")]
          else ["exit %d, files %s" % (p.returncode, os.listdir("."))])
    # An existing file is replaced whole.
    with open("old.csv", "w") as f:
        f.write("x" * 100000)
    run(bnnc, lenet, "--target", "rpi4b", "--report", "--format", "csv", "--output", "old.csv")
    with open("old.csv") as f:
        check("--output replaces a file", [] if f.read().startswith("layer,op,")
              else ["old.csv not replaced"])

tally.finish()
