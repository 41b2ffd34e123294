"""Demo loaders: the sample registry and the large one the benchmarks use."""
