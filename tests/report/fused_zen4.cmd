tests/codegen/fused.bnn --target zen4 --report
