examples/vgg_cifar10.bnn --target cortex-a53 --report
