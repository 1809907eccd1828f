examples/lenet_bin.bnn --target rpi4b --report
