#!/usr/bin/python3
"""catalog.py ROOT: the standard catalog's figures carry their sources.

* Every property line with a number in stdlib/std/targets.bnn has a
  comment on the same line (a source, or "estimate: why"), except inside
  a section written by tools/mca/derive.py, whose comments say how each
  figure was derived.
* Each derived section is exactly tools/mca/out/CORE.bnn, the script's
  output (no hand edit, no drift), and says which llvm-mca model made it.
* A target with `figures = derived` has such a section, directly or from
  the core it derives from; one without `figures` is reported.
* A comment that says "estimate" says why (more than the word).
"""
import os
import re
import sys

root = sys.argv[1]
path = os.path.join(root, "stdlib", "std", "targets.bnn")
lines = open(path).read().split("\n")
errors = []
derived_sections = {}
inside = None
target = None
targets = {}
for no, ln in enumerate(lines, 1):
    m = re.match(r"^target ([\w-]+)(?: : ([\w-]+))? \{", ln)
    if m:
        target = m.group(1)
        targets[target] = {"parent": m.group(2), "figures": None, "derived": False, "line": no}
    m = re.match(r"^    # BEGIN derived ([\w-]+) ", ln)
    if m:
        inside = m.group(1)
        derived_sections[inside] = []
        if target:
            targets[target]["derived"] = True
        continue
    if re.match(r"^    # END derived ", ln):
        inside = None
        continue
    if inside:
        derived_sections[inside].append(ln)
        continue
    m = re.match(r"^\s+figures = (\w+);", ln)
    if m and target:
        targets[target]["figures"] = m.group(1)
    code, _, comment = ln.partition("#")
    if re.match(r"^\s+[\w]+ = [^;]*\d[^;]*;", code):
        if not comment.strip():
            errors.append("%s:%d: a figure without a source comment: %s" % (path, no, ln.strip()))
        elif re.match(r"\s*estimate\s*$", comment):
            errors.append("%s:%d: 'estimate' without a reason" % (path, no))

for core, body in derived_sections.items():
    out = os.path.join(root, "tools", "mca", "out", core + ".bnn")
    if not os.path.exists(out):
        errors.append("%s: derived section of %s, but no %s" % (path, core, out))
        continue
    want = open(out).read().rstrip("\n").split("\n")
    if body != want:
        errors.append("%s: the derived section of %s differs from %s (run tools/mca/derive.py "
                      "%s --update-catalog)" % (path, core, out, core))
    if not any("llvm-mca" in b for b in body):
        errors.append("%s: the derived section of %s does not name its llvm-mca model" %
                      (path, core))
    cyc = os.path.join(root, "tools", "mca", "out", core + ".cycles")
    if not os.path.exists(cyc):
        errors.append("no %s, the cycles %s's section was fitted from" % (cyc, core))


def has_derived(t):
    while t:
        if targets[t]["derived"]:
            return True
        t = targets[t]["parent"]
    return False


def figures(t):
    while t:
        if targets[t]["figures"]:
            return targets[t]["figures"]
        t = targets[t]["parent"]
    return None


for t, info in targets.items():
    f = figures(t)
    if f is None:
        errors.append("%s:%d: target %s does not say where its figures come from" %
                      (path, info["line"], t))
    elif f == "derived" and not has_derived(t):
        errors.append("%s:%d: target %s says figures = derived but has no derived section" %
                      (path, info["line"], t))

for e in errors:
    print("FAIL " + e)
print("catalog: %d targets, %d derived sections, %d problems" %
      (len(targets), len(derived_sections), len(errors)))
sys.exit(1 if errors else 0)
