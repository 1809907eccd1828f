examples/lenet_bin.bnn --target cortex-m7 --report --format csv
