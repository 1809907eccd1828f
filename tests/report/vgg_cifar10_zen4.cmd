examples/vgg_cifar10.bnn --target zen4 --report
