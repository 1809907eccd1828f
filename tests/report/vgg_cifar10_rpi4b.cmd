examples/vgg_cifar10.bnn --target rpi4b --report
