examples/lenet_bin.bnn --dump-ir-after=fuse-bn-sign -fno-dce
