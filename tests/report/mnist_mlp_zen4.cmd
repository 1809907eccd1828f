examples/mnist_mlp.bnn --target zen4 --report
