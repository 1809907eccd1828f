examples/birealnet18.bnn --target cortex-a53 --report
