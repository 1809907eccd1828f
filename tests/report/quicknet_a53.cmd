examples/quicknet.bnn --target cortex-a53 --report
