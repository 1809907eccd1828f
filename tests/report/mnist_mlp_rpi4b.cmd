examples/mnist_mlp.bnn --target rpi4b --report
