examples/lenet_bin.bnn --target stm32f4 --report
