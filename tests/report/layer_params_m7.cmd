tests/good/layer_params.bnn --target cortex-m7 --report
