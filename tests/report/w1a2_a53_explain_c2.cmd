tests/codegen/w1a2.bnn --target cortex-a53 --explain c2
