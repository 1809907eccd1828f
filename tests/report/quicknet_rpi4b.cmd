examples/quicknet.bnn --target rpi4b --report
