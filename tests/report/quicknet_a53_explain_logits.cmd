examples/quicknet.bnn --target cortex-a53 --explain logits
