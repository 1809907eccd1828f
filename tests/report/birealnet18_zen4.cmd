examples/birealnet18.bnn --target zen4 --report
