"""Benchmarks: timings are measured here, never asserted in tests."""
