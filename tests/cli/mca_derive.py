#!/usr/bin/python3
"""mca_derive.py ROOT: tools/mca/derive.py's block split and call pricing.

* A call of a function the assembly defines (a kernel clang did not
  inline) stays an instruction of its block, so that its cost is the
  callee's counted blocks, not a CALL_CYCLES estimate.
* A call of a library function leaves the block and is listed as a call.
* Every block gets a counter; the calibration networks are emitted with
  -fno-fuse-epilogue.
"""
import importlib.util
import os
import sys

root = sys.argv[1]
spec = importlib.util.spec_from_file_location(
    "derive", os.path.join(root, "tools", "mca", "derive.py"))
derive = importlib.util.module_from_spec(spec)
spec.loader.exec_module(derive)

ASM = """\t.text
\t.type\tbnn_conv_out4,@function
bnn_conv_out4:
\tvpopcntq\t%zmm0, %zmm1
\tretq
.Lfunc_end0:
\t.size\tbnn_conv_out4, .Lfunc_end0-bnn_conv_out4
\t.type\tbnn_run,@function
bnn_run:
\tmovq\t%rdi, %rax
\tcallq\tbnn_conv_out4
\tcallq\tmemset@PLT
.LBB1_1:
\taddq\t$1, %rax
\tcallq\texpf
\tjmp\t.LBB1_1
.Lfunc_end1:
\t.size\tbnn_run, .Lfunc_end1-bnn_run
"""

errors = []
out, blocks, calls = derive.instrument(ASM, "x86_64")
if len(blocks) != 3:
    errors.append("expected 3 blocks, got %d: %r" % (len(blocks), blocks))
else:
    if "callq\tbnn_conv_out4" not in blocks[1]:
        errors.append("the call of a function of the file left its block: %r" % blocks[1])
    if calls[1] != ["memset"]:
        errors.append("bnn_run's first block should charge memset alone: %r" % calls[1])
    if calls[2] != ["expf"] or any("expf" in i for i in blocks[2]):
        errors.append("expf should be a charged call, outside the block: %r %r" %
                      (calls[2], blocks[2]))
    if calls[0]:
        errors.append("bnn_conv_out4 calls nothing: %r" % calls[0])
if out.count("bnnmca_cnt") != 3:
    errors.append("expected a counter in each of the 3 blocks:\n" + out)
src = open(os.path.join(root, "tools", "mca", "derive.py")).read()
if 'flags=["-fno-fuse-epilogue"]' not in src:
    errors.append("the calibration networks are no longer emitted with -fno-fuse-epilogue")
for e in errors:
    print("FAIL:", e)
print("mca_derive: %d failures" % len(errors))
sys.exit(1 if errors else 0)
