examples/mnist_mlp.bnn --target cortex-a53 --report
