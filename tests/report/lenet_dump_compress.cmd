examples/lenet_bin.bnn --target stm32f4 --dump-ir-after=compress
