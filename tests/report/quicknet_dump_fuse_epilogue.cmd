examples/quicknet.bnn --target zen4 --dump-ir-after=fuse-epilogue
