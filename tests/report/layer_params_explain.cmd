tests/good/layer_params.bnn --target cortex-a53 --explain e
