examples/mnist_mlp.bnn --solve-fps 150 --no-catalog --targets tests/report/solve_targets.bnn --format html
