"""Live checks: kinds registry, probes, evaluation and the runner."""
