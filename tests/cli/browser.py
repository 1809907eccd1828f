#!/usr/bin/python3
"""browser.py BNNC ROOT: the HTML pages rendered by a real browser.

For every example, the report page (on cortex-m7) and the --solve-fps
page are opened in headless Chromium: the DOM the browser built
(--dump-dom) must hold one bar per layer, one roofline point per layer
with multiply-accumulates, one bar per memory fit, and one point per
target with an estimate in each chart (counts from the JSON output); the
screenshot (--screenshot, a PNG decoded here with zlib) must not be blank
and must show the colours of the layer kinds, or of the feasible targets.

Chromium is Debian's `chromium` package, which scripts/setup.sh installs;
without it the test is skipped (exit 77) and says so."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_pages import (EXAMPLES, Page, Tally, check_report_page, check_solve_page,  # noqa: E402
                          report_json, run, solve_json)

bnnc, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    print("SKIP: chromium is not installed (scripts/setup.sh installs Debian's chromium "
          "package); the pages were not rendered")
    sys.exit(77)
examples = EXAMPLES
tally = Tally("browser")
check = tally.check


def chromium(tmp, *args):
    """Runs headless Chromium with a fresh profile; its standard output."""
    profile = tempfile.mkdtemp(dir=tmp)
    cmd = [browser, "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--user-data-dir=" + profile, *args]
    if os.geteuid() == 0:
        cmd.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    shutil.rmtree(profile, ignore_errors=True)
    if p.returncode != 0:
        raise AssertionError("chromium exited %d: %s" % (p.returncode, p.stderr[-2000:]))
    return p.stdout


def png_pixels(path):
    """The RGB pixels of an 8-bit RGB or RGBA PNG, row by row."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6), "PNG of depth %d, colour type %d" % (depth, ctype)
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([bytes(line[i:i + 3]) for i in range(0, stride, bpp)])
        prev = line
    return rows


def screenshot_errors(path, colours):
    """A screenshot that is not blank and shows each colour of colours."""
    pixels = [p for row in png_pixels(path) for p in row]
    seen = set(pixels)
    ink = sum(1 for p in pixels if p != b"\xff\xff\xff")
    errors = []
    if ink < 0.02 * len(pixels):
        errors.append("only %d of %d pixels are not white" % (ink, len(pixels)))
    if len(seen) < 16:
        errors.append("only %d colours" % len(seen))
    for name, rgb in colours:
        if bytes(rgb) not in seen:
            errors.append("no pixel of the %s colour #%02x%02x%02x" % ((name,) + tuple(rgb)))
    return errors


with tempfile.TemporaryDirectory() as tmp:
    for ex in examples:
        path = os.path.join(root, "examples", ex + ".bnn")
        args = [path, "--target", "cortex-m7"]
        rep = report_json(bnnc, *args)
        page = os.path.join(tmp, ex + ".html")
        run(bnnc, *args, "--report", "--format", "html", "--output", page)
        dom = chromium(tmp, "--dump-dom", "file://" + page)
        check("%s report: the browser's DOM" % ex, check_report_page(Page(dom), rep))
        png = os.path.join(tmp, ex + ".png")
        chromium(tmp, "--screenshot=" + png, "--window-size=900,700", "file://" + page)
        colours = []
        if any(l["binary"] for l in rep["layers"]):
            colours.append(("binary layer", (0x1f, 0x77, 0xb4)))
        if any(l["float_macs"] and not l["binary"] for l in rep["layers"]):
            colours.append(("float layer", (0xff, 0x7f, 0x0e)))
        check("%s report: the screenshot" % ex, screenshot_errors(png, colours))

        sol = solve_json(bnnc, path, "--solve-fps", "30")
        page = os.path.join(tmp, ex + "-solve.html")
        run(bnnc, path, "--solve-fps", "30", "--format", "html", "--output", page)
        dom = chromium(tmp, "--dump-dom", "file://" + page)
        check("%s solve: the browser's DOM" % ex, check_solve_page(Page(dom), sol))
        png = os.path.join(tmp, ex + "-solve.png")
        chromium(tmp, "--screenshot=" + png, "--window-size=900,700", "file://" + page)
        colours = [("feasible target", (0x2c, 0xa0, 0x2c))] if sol["feasible"] else []
        check("%s solve: the screenshot" % ex, screenshot_errors(png, colours))

tally.finish()
