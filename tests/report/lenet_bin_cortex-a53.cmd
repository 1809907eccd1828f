examples/lenet_bin.bnn --target cortex-a53 --report
