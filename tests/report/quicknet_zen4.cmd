examples/quicknet.bnn --target zen4 --report
