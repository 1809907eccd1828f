examples/quicknet.bnn --target cortex-m7 --report
