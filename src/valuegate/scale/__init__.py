"""The scale portfolio (S7k) generator and the benchmark that runs on it."""
