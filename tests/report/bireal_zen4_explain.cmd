examples/birealnet18.bnn --target zen4 --explain s2.1.c --memory-model roofline
