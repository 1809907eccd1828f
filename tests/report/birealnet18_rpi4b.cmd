examples/birealnet18.bnn --target rpi4b --report
