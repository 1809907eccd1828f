examples/vgg_cifar10.bnn --target cortex-m7 --report
