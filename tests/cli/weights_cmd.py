#!/usr/bin/python3
"""weights_cmd.py BNNC ROOT: `bnnc weights` (docs/weights.md section 6).

For every example that declares a network: the JSON listing validates
against docs/weights-schema.json and names exactly the tensors worked out
here from the layers of `bnnc --dump-ir` (op, attributes, input and output
shapes) by docs/weights.md's table; the text listing says the same; the
template of seed 1 holds, by a safetensors reader of this test's own, those
tensors with F32 or I8 (binary weights, -1/+1) and `bnnc run --weights` on
it writes the same bytes as `bnnc run --seed 1`; the template of zeros
holds zeros (binary weights +1) and runs, its float outputs 0 when the last
layer is a float dense. Then the text listing of lenet_bin against a golden
file, --emit c on a seed-1 template against --emit c --seed 1 (the same C
but for the notes on random weights), --network, and every error with its
exit status and message, no file left behind by a failed --template.
"""
import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

bnnc, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import stcheck  # noqa: E402

tally = stcheck.Tally("weights_cmd")
ok = tally.ok
read_safetensors = stcheck.read_safetensors


def run(*args, cwd=None):
    p = subprocess.run([bnnc] + list(args), capture_output=True, cwd=cwd)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expected(dump):
    """{name: (shape, binary, op)} from the layers of a --dump-ir text,
    by docs/weights.md section 1's table."""
    shapes, want = {}, {}
    for line in open(dump):
        m = re.match(r"  (?:input )?%(\S+) : \w+\[([\d,]+)\]", line)
        if not m:
            continue
        name, shape = m.group(1), [int(d) for d in m.group(2).split(",")]
        shapes[name] = shape
        m = re.match(r"  %\S+ : \w+\[[\d,]+\] = (\w+)\(%([^,)]+)[^)]*\)(.*?)  ; .* w=(\w+)", line)
        if not m:
            continue
        op, src, attrs, w = m.group(1), m.group(2), m.group(3), m.group(4)
        at = dict(re.findall(r"(\w+)=(\S+)", attrs))
        x = shapes[src]
        binary = w == "b1"
        if op in ("conv2d", "bconv2d"):
            k = int(at["kernel"])
            want[name + ".weight"] = ([k, k, x[2] // int(at["groups"]), shape[2]], binary, op)
        elif op == "depthwise_conv2d":
            k = int(at["kernel"])
            want[name + ".weight"] = ([k, k, x[2], int(at["multiplier"])], False, op)
        elif op in ("dense", "bdense"):
            want[name + ".weight"] = ([x[0], shape[0]], binary, op)
        elif op == "batchnorm":
            for s in ("gamma", "beta", "mean", "variance"):
                if (s, "no") not in ((("gamma" if k == "scale" else "beta"), v)
                                     for k, v in at.items() if k in ("scale", "center")):
                    want["%s.%s" % (name, s)] = ([shape[-1]], False, op)
        else:
            raise ValueError("the test does not know op %s" % op)
        if at.get("bias") == "yes":
            want[name + ".bias"] = ([shape[-1]], False, op)
        if at.get("scaled") == "yes":
            want[name + ".scale"] = ([shape[-1]], False, op)
    return want


def inputs_of(dump, folder, seed):
    """Random .npy inputs for the network of dump, numpy's own writer."""
    rng = np.random.default_rng(seed)
    paths = []
    for line in open(dump):
        m = re.match(r"  input %(\S+) : (\w+)\[([\d,]+)\]", line)
        if not m:
            continue
        shape = [int(d) for d in m.group(3).split(",")]
        ty = m.group(2)
        if ty == "f32":
            a = rng.standard_normal(shape).astype(np.float32)
        elif ty == "u8":
            a = rng.integers(0, 256, shape).astype(np.uint8)
        elif ty == "i32":
            a = rng.integers(-100, 100, shape).astype(np.int32)
        else:
            a = np.where(rng.random(shape) < 0.5, -1, 1).astype(np.int8)
        p = os.path.join(folder, m.group(1) + ".npy")
        np.save(p, a)
        paths.append(p)
    return paths


tmp = tempfile.mkdtemp()
atexit.register(shutil.rmtree, tmp, True)
os.chdir(tmp)
schema = os.path.join(root, "docs", "weights-schema.json")
docs = []
ran = 0
for f in sorted(os.listdir(os.path.join(root, "examples"))):
    if not f.endswith(".bnn"):
        continue
    ex, path = f[:-4], os.path.join(root, "examples", f)
    rc, dump, err = run("--dump-ir", path)
    if not ok(rc == 0, "%s: --dump-ir: %s" % (ex, err)) or "\nnetwork " not in "\n" + dump:
        continue
    with open(ex + ".ir", "w") as g:
        g.write(dump)
    want = expected(ex + ".ir")

    # The listing, as JSON and as text.
    rc, out, err = run("weights", path, "--format", "json")
    if not ok(rc == 0 and err == "", "%s: weights --format json: %s" % (ex, err)):
        continue
    with open(ex + ".json", "w") as g:
        g.write(out)
    docs.append(ex + ".json")
    lst = json.loads(out)
    got = {t["name"]: (t["shape"], t["binary"], t["op"]) for t in lst["tensors"]}
    ok(got == want, "%s: the listing is not the table's: only listed %s, only expected %s, "
       "differing %s" % (ex, sorted(set(got) - set(want)), sorted(set(want) - set(got)),
                         [n for n in got if n in want and got[n] != want[n]][:5]))
    ok([t["name"] for t in lst["tensors"]] == sorted(got), "%s: not sorted by name" % ex)
    for t in lst["tensors"]:
        n = int(np.prod(t["shape"]))
        ok(t["elements"] == n and len(t["layout"]) == len(t["shape"]) and
           t["dtypes"] == (["F32", "I8"] if t["binary"] else ["F32"]) and
           t["template_dtype"] == ("I8" if t["binary"] else "F32"),
           "%s: tensor %s: elements, layout, dtypes" % (ex, t["name"]))
        if t["name"].endswith(".weight") and t["op"] in ("conv2d", "bconv2d"):
            ok(t["layout"] == ["Kh", "Kw", "Ci/groups", "Co"], "%s: conv layout" % t["name"])
        if t["op"] in ("dense", "bdense") and t["name"].endswith(".weight"):
            ok(t["layout"] == ["N", "units"], "%s: dense layout" % t["name"])
    ok(lst["values"] == sum(int(np.prod(s)) for s, _, _ in want.values()),
       "%s: values" % ex)
    rc, text, err = run("weights", path)
    lines = text.splitlines()
    ok(rc == 0 and lines[0] == "network %s: %d tensors, %d values (%d bytes as F32)" % (
        lst["network"], len(want), lst["values"], 4 * lst["values"]) and
       [ln.split()[0] for ln in lines[2:]] == sorted(want) and
       lines[1].split() == ["tensor", "dtype", "shape", "layout", "layer"],
       "%s: text listing:\n%s" % (ex, text[:400]))

    # Templates: seed 1 runs as --seed 1 does, to the bit; zeros run.
    folder = "in_" + ex
    os.mkdir(folder)
    args = []
    for p in inputs_of(ex + ".ir", folder, 1):
        args += ["--input", p]
    rc, out, err = run("weights", path, "--template", ex + ".s1.safetensors", "--seed", "1")
    if not ok(rc == 0 and out == "" and err == "", "%s: --template --seed 1: %s" % (ex, err)):
        continue
    st, meta = read_safetensors(ex + ".s1.safetensors")
    ok({n: (s, d == "I8", want[n][2]) for n, (d, s, _) in st.items() if n in want} == want
       and set(st) == set(want), "%s: the template's tensors are not the listing's" % ex)
    ok(all((v[0] == "I8") == want[n][1] for n, v in st.items()), "%s: dtypes" % ex)
    ok(all(set(np.unique(v[2])) <= {-1, 1} for n, v in st.items() if v[0] == "I8"),
       "%s: binary weights not -1/+1" % ex)
    ok(meta == {"format": "bnnc weights", "network": lst["network"], "values": "seed 1"},
       "%s: metadata %s" % (ex, meta))
    rc1, _, err1 = run("run", path, "--seed", "1", *args, "--output", ex + ".seed.npy")
    rc2, _, err2 = run("run", path, "--weights", ex + ".s1.safetensors", *args,
                       "--output", ex + ".tmpl.npy")
    if ok(rc1 == 0 and rc2 == 0 and err2 == "", "%s: run: %s %s" % (ex, err1, err2)):
        a, b = open(ex + ".seed.npy", "rb").read(), open(ex + ".tmpl.npy", "rb").read()
        ok(a == b, "%s: --weights on the seed-1 template is not --seed 1" % ex)
        ran += 1
    rc, _, err = run("weights", path, "--template", ex + ".s7.safetensors", "--seed", "7")
    s7, _ = read_safetensors(ex + ".s7.safetensors")
    ok(rc == 0 and any(not np.array_equal(s7[n][2], st[n][2]) for n in st),
       "%s: seed 7 gives seed 1's values" % ex)
    os.unlink(ex + ".s7.safetensors")
    rc, out, err = run("weights", path, "--template", ex + ".z.safetensors")
    if ok(rc == 0 and out == "", "%s: --template zeros: %s" % (ex, err)):
        z, meta = read_safetensors(ex + ".z.safetensors")
        ok(set(z) == set(want) and meta["values"] == "zeros", "%s: zeros: tensors" % ex)
        ok(all((v[2] == (1 if v[0] == "I8" else 0)).all() for v in z.values()),
           "%s: zeros: values" % ex)
        rc, _, err = run("run", path, "--weights", ex + ".z.safetensors", *args,
                         "--output", ex + ".z.npy")
        if ok(rc == 0, "%s: run on zeros: %s" % (ex, err)):
            y = np.load(ex + ".z.npy")
            last = [ln for ln in dump.splitlines() if " w=" in ln][-1]
            if " = dense(" in last and "output %" + last.split()[0][1:] in dump:
                ok(y.dtype == np.float32 and not y.any(), "%s: zeros: output not 0" % ex)
            ok(np.isfinite(y.astype(np.float64)).all(), "%s: zeros: not finite" % ex)
        os.unlink(ex + ".z.safetensors")
    os.unlink(ex + ".s1.safetensors")
ok(ran >= 5, "only %d examples ran" % ran)

# The JSON listings against their schema (which must refuse a document
# without its first required key).
p = subprocess.run(["/usr/bin/python3", os.path.join(here, "validate_json.py"), schema] + docs,
                   capture_output=True, text=True)
ok(p.returncode == 0, "schema: %s%s" % (p.stdout, p.stderr))

# The text listing of lenet_bin, as it is.
lenet = os.path.join(root, "examples", "lenet_bin.bnn")
rc, out, err = run("weights", lenet)
golden = open(os.path.join(here, "weights_lenet_bin.txt")).read()
ok(rc == 0 and out == golden, "lenet_bin text listing differs from the golden:\n" + out)

# --emit c reads the seed-1 template as it makes seed 1's values: the
# same C, but for the comments and the macro that say the weights are
# random.
for ex in ("lenet_bin", "mnist_mlp"):
    path = os.path.join(root, "examples", ex + ".bnn")
    run("weights", path, "--template", "e.st", "--seed", "1")
    r1 = run(path, "--target", "cortex-m7", "--emit", "c", "-o", "e_seed", "--seed", "1")
    r2 = run(path, "--target", "cortex-m7", "--emit", "c", "-o", "e_tmpl", "--weights", "e.st")
    if ok(r1[0] == 0 and r2[0] == 0, "%s: --emit c: %s %s" % (ex, r1[2], r2[2])):
        for f in sorted(os.listdir("e_seed")):
            a = [ln.replace(" (pseudo-random: not trained)", "")
                 for ln in open(os.path.join("e_seed", f))]
            a = [ln for ln in a
                 if not re.search("pseudo-random|nothing useful|_RANDOM_WEIGHTS", ln)]
            b = list(open(os.path.join("e_tmpl", f)))
            ok(len(a) > 10 and [ln for ln in a if ln != "\n"] == [ln for ln in b if ln != "\n"],
               "%s: --emit c %s differs between --seed 1 and its template" % (ex, f))
    shutil.rmtree("e_seed", True)
    shutil.rmtree("e_tmpl", True)
    os.unlink("e.st")

# A network with a bias, a scale, a prelu per channel and per element,
# thresholds and a depthwise convolution; --network among several.
src = """bnn 1;
network other { input x : f32[4]; y = dense(x, units = 2); output y; }
network many {
    input x : f32[6, 6, 4];
    c = conv2d(x, filters = 8, kernel = 3, groups = 2, bias = yes);
    p = prelu(c);
    q = prelu(p, per_element = yes);
    d = depthwise_conv2d(q, kernel = 3, multiplier = 2, bias = yes);
    s = sign(d);
    b = bconv2d(s, filters = 4, kernel = 1);
    t = thresholds(b, levels = 3);
    f = flatten(t);
    y = bdense(f, units = 3, scaled = yes);
    output y;
}
"""
with open("many.bnn", "w") as g:
    g.write(src)
rc, out, err = run("weights", "many.bnn", "--network", "many", "--format", "json")
if ok(rc == 0, "many: %s" % err):
    lst = json.loads(out)
    got = {t["name"]: (t["shape"], t["layout"]) for t in lst["tensors"]}
    ok(got == {
        "b.weight": ([1, 1, 16, 4], ["Kh", "Kw", "Ci/groups", "Co"]),
        "c.bias": ([8], ["Co"]), "c.weight": ([3, 3, 2, 8], ["Kh", "Kw", "Ci/groups", "Co"]),
        "d.bias": ([16], ["C*multiplier"]),
        "d.weight": ([3, 3, 8, 2], ["Kh", "Kw", "C", "multiplier"]),
        "p.alpha": ([8], ["C"]), "q.alpha": ([4, 4, 8], ["H", "W", "C"]),
        "t.thresholds": ([4, 3], ["C", "levels"]), "y.weight": ([16, 3], ["N", "units"]),
        "y.scale": ([3], ["units"]),
    }, "many: %s" % got)
    with open("many.json", "w") as g:
        g.write(out)
    p = subprocess.run(["/usr/bin/python3", os.path.join(here, "validate_json.py"), schema,
                        "many.json"], capture_output=True, text=True)
    ok(p.returncode == 0, "many: schema: %s" % p.stdout)
    rc, _, err = run("weights", "many.bnn", "--network", "many", "--template", "m.st",
                     "--seed", "3")
    np.save("mx.npy", np.random.default_rng(2).standard_normal((6, 6, 4)).astype(np.float32))
    r1 = run("run", "many.bnn", "--network", "many", "--weights", "m.st", "--input", "mx.npy",
             "--output", "m1.npy")
    r2 = run("run", "many.bnn", "--network", "many", "--seed", "3", "--input", "mx.npy",
             "--output", "m2.npy")
    ok(rc == 0 and r1[0] == 0 and r2[0] == 0 and
       open("m1.npy", "rb").read() == open("m2.npy", "rb").read(),
       "many: the seed-3 template runs as --seed 3: %s %s" % (r1[2], r2[2]))
    rc, out, err = run("weights", "many.bnn", "--network", "many", "--template", "m0.st")
    ok(rc == 0 and run("run", "many.bnn", "--network", "many", "--weights", "m0.st", "--input",
                       "mx.npy", "--output", "m0.npy")[0] == 0, "many: zeros run")
# --template with --format prints the listing too.
rc, out, err = run("weights", "many.bnn", "--network", "other", "--template", "o.st",
                   "--format", "text")
ok(rc == 0 and out.startswith("network other: 1 tensor, 8 values (32 bytes as F32)\n") and
   os.path.isfile("o.st"), "--template with --format: %r %s" % (out, err))

# Errors: the message, the exit status, and no template written.
usage = "Try 'bnnc weights --help' for more information.\n"


def error(name, want_rc, want_err, *args, absent=None):
    rc, out, err = run(*args)
    ok(rc == want_rc and out == "" and err == want_err and
       (absent is None or not os.path.lexists(absent)),
       "%s: exit %d, stderr %r, stdout %r" % (name, rc, err, out))


error("no file", 2, "bnnc: error: no network file\n" + usage, "weights")
error("two files", 2, "bnnc: error: more than one network file ('b.bnn')\n" + usage,
      "weights", "many.bnn", "b.bnn")
error("seed alone", 2, "bnnc: error: --seed goes with --template: it gives the template's "
      "values\n" + usage, "weights", "many.bnn", "--seed", "1")
error("bad seed", 2, "bnnc: error: --seed takes a whole number from 0 to 2^64 - 1, not "
      "'-1'\n" + usage, "weights", "many.bnn", "--template", "e.st", "--seed", "-1",
      absent="e.st")
error("bad format", 2, "bnnc: error: --format takes text or json, not 'csv'\n" + usage,
      "weights", "many.bnn", "--format", "csv")
error("template twice", 2, "bnnc: error: --template is given twice\n" + usage,
      "weights", "many.bnn", "--template", "e.st", "--template", "e.st", absent="e.st")
error("unknown option", 2, "bnnc: error: unknown option '--templat'; did you mean "
      "'--template'?\n" + usage, "weights", "many.bnn", "--templat", "e.st", absent="e.st")
error("weights option", 2, "bnnc: error: unknown option '--input'\n" + usage,
      "weights", "many.bnn", "--input", "x.npy")
error("several networks", 1, "bnnc: error: the file declares 2 networks; choose one with "
      "--network NAME\n", "weights", "many.bnn", "--template", "e.st", absent="e.st")
error("unknown network", 1, "bnnc: error: no network called 'mani'; did you mean 'many'?\n",
      "weights", "many.bnn", "--network", "mani", "--template", "e.st", absent="e.st")
error("missing file", 1, "bnnc: error: cannot open 'none.bnn': No such file or directory\n",
      "weights", "none.bnn")
with open("bad.bnn", "w") as g:
    g.write("bnn 1;\nnetwork n { input x : f32[4]; y = dense(z, units = 2); output y; }\n")
rc, out, err = run("weights", "bad.bnn", "--template", "e.st")
ok(rc == 1 and out == "" and err.startswith("bad.bnn:2:") and "undefined name 'z'" in err
   and not os.path.lexists("e.st"), "bad.bnn: %s" % err)
os.mkdir("dir")
error("template a folder", 1, "bnnc: error: cannot write 'dir': it is a folder\n",
      "weights", "many.bnn", "--network", "other", "--template", "dir")
ok(os.listdir("dir") == [], "a folder template: left empty")
error("template in a missing folder", 1, "bnnc: error: cannot write 'nodir/w.st': No such file or "
      "directory\n", "weights", "many.bnn", "--network", "other", "--template",
      "nodir/w.st", absent="nodir")
# An error leaves an existing file as it was, and no temporary.
with open("keep.st", "w") as g:
    g.write("old")
error("keeps the old file", 1, "bnnc: error: no network called 'nope'\n", "weights", "many.bnn",
      "--network", "nope", "--template", "keep.st")
ok(open("keep.st").read() == "old" and
   not [n for n in os.listdir(".") if re.search(r"\.tmp\w{6}$", n)],
   "an error replaced keep.st or left a temporary")
# A device is written in place.
rc, out, err = run("weights", "many.bnn", "--network", "other", "--template", "/dev/null")
ok(rc == 0 and err == "", "--template /dev/null: %s" % err)
# --help names every option.
rc, out, err = run("weights", "--help")
ok(rc == 0 and all(o in out for o in ("--template", "--seed", "--format", "--network", "-I",
                                      "--color")), "--help: %s" % out)

tally.finish()
