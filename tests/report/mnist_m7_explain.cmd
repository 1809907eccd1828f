examples/mnist_mlp.bnn --target cortex-m7 --explain h2
