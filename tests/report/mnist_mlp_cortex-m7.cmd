examples/mnist_mlp.bnn --target cortex-m7 --report
