examples/birealnet18.bnn --target cortex-m7 --report
