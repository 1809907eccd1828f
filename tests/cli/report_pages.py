"""report_pages.py: what tests/cli/report_html.py and tests/cli/browser.py share.

A page (bnnc's HTML report or answer, or the DOM a browser dumped of it)
is read with html.parser into a list of elements: [tag, attributes, the
text of its <title> child when it has one, the id of the <svg> it is in]. The counts the tests expect
come from bnnc's JSON output, read with json, never from the HTML."""
import html.parser
import json
import subprocess
import sys


class Page(html.parser.HTMLParser):
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []      # [tag, attrs dict, title text, svg id]
        self.stack = []         # indexes into elements of the open elements
        self.in_title = None
        self.scripts = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag == "title" and self.stack:
            self.in_title = self.stack[-1]
        self.elements.append([tag, dict(attrs), "", self.svg_id()])
        self.stack.append(len(self.elements) - 1)

    def handle_startendtag(self, tag, attrs):
        self.elements.append([tag, dict(attrs), "", self.svg_id()])

    def svg_id(self):
        for i in reversed(self.stack):
            if self.elements[i][0] == "svg":
                return self.elements[i][1].get("id")
        return None

    def handle_endtag(self, tag):
        while self.stack:
            i = self.stack.pop()
            if self.elements[i][0] == tag:
                break
        if tag == "title":
            self.in_title = None

    def handle_data(self, data):
        if self.in_title is not None:
            self.elements[self.in_title][2] += data

    def find(self, tag, cls=None, svg=None):
        """(attributes, title) of each <tag class=cls> (inside <svg id=svg>)."""
        out = []
        for t, a, title, where in self.elements:
            if t != tag or (svg is not None and where != svg):
                continue
            if cls is not None and cls not in a.get("class", "").split():
                continue
            out.append((a, title))
        return out


EXAMPLES = ["mnist_mlp", "lenet_bin", "vgg_cifar10", "birealnet18", "quicknet"]


class Tally:
    """Checks counted: check() prints the first errors of a failed one;
    finish() prints the totals and exits 1 if any failed."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, what, errors):
        if errors:
            self.failed += 1
            print("FAIL %s:" % what)
            for e in errors[:10]:
                print("  " + e)
        else:
            self.passed += 1

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def run(bnnc, *args, want=0):
    p = subprocess.run([bnnc, *args], capture_output=True, text=True)
    if p.returncode != want:
        raise AssertionError("%s exited %d, expected %d: %s" %
                             (" ".join(args), p.returncode, want, p.stderr))
    return p.stdout


def report_json(bnnc, *args):
    return json.loads(run(bnnc, *args, "--report", "--format", "json"))


def solve_json(bnnc, *args, want=0):
    return json.loads(run(bnnc, *args, "--format", "json", want=want))


def estimated(solve):
    """The targets of a solve answer that have an estimate: every feasible
    one, and every rejected one that is not incomplete."""
    return solve["feasible"] + [e for e in solve["rejected"]
                                if not any(w["kind"] == "incomplete" for w in e["reasons"])]


def check_report_page(page, rep):
    """The elements a report page must hold for report rep (its JSON)."""
    errors = []
    layers = page.find("rect", "layer", svg="layers")
    names = [a["data-layer"] for a, _ in layers]
    want = [l["name"] for l in rep["layers"]]
    if names != want:
        errors.append("bars %s, layers %s" % (names, want))
    for (a, title), l in zip(layers, rep["layers"]):
        kind = ("binary" if l["binary"] or "activation_bits" in l
                else "float" if l["float_macs"] > 0 else "element-wise")
        if a["data-kind"] != kind:
            errors.append("layer %s: kind %s, expected %s" % (l["name"], a["data-kind"], kind))
        if a["data-level"] != (l["memory_level"] or "-"):
            errors.append("layer %s: level %s" % (l["name"], a["data-level"]))
        if not title.startswith(l["name"] + ": " + l["op"]):
            errors.append("layer %s: title %r" % (l["name"], title))
    with_macs = [l["name"] for l in rep["layers"]
                 if l["binary_macs"] + l["float_macs"] > 0 and l["time_s"] > 0
                 and l["working_set_bytes"] > 0]
    points = [a["data-layer"] for a, _ in page.find("circle", "roof-point", svg="roofline")]
    if points != with_macs:
        errors.append("roofline points %s, layers with MACs %s" % (points, with_macs))
    ceilings = sorted(a["data-what"] for a, _ in page.find("line", "ceiling"))
    if ceilings != ["binary", "float"]:
        errors.append("compute ceilings %s" % ceilings)
    bws = [a["data-level"] for a, _ in page.find("line", "bandwidth")]
    if not bws or any(b not in [m["name"] for m in rep["target"]["memory"]] for b in bws):
        errors.append("bandwidth ceilings %s" % bws)
    fits = [(a["data-what"], a["data-level"], a["data-fits"]) for a, _ in page.find("rect", "fit", svg="fits")]
    want = [(f["what"], f["level"], "yes" if f["fits"] else "no")
            for f in rep["memory"]["fits"]]
    if fits != want:
        errors.append("fit bars %s, fits %s" % (fits, want))
    if page.scripts:
        errors.append("a <script> element")
    return errors


def check_solve_page(page, solve):
    """The elements a solve page must hold for answer solve (its JSON)."""
    errors = []
    want = sorted((e["target"], "yes" if e in solve["feasible"] else "no")
                  for e in estimated(solve))
    devices = []
    for chart in ("by-price", "by-power"):
        here = page.find("g", "device", svg=chart)
        got = sorted((a["data-target"], a["data-feasible"]) for a, _ in here)
        if got != want:
            errors.append("%s: devices %s, expected %s" % (chart, got, want))
        if len(page.find("line", "required", svg=chart)) != 1:
            errors.append("%s: not one required-rate line" % chart)
        devices += here
    for a, title in devices:
        e = next(x for x in estimated(solve) if x["target"] == a["data-target"])
        if a["data-feasible"] == "no":
            for w in e["reasons"]:
                phrase = {"compute": "too slow: ", "memory": "does not fit: ",
                          "price": "price ", "power": "power "}[w["kind"]]
                if phrase not in title:
                    errors.append("%s: no %r in its title %r" % (e["target"], phrase, title))
        elif "feasible: reaches the rate" not in title:
            errors.append("%s: title %r" % (e["target"], title))
    if page.scripts:
        errors.append("a <script> element")
    return errors
