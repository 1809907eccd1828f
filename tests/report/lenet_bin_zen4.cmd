examples/lenet_bin.bnn --target zen4 --report
