tests/good/onnx_layout.bnn --target cortex-a53 --explain nhwc
