examples/quicknet.bnn --target zen4 --explain r1.0.y
