"""Benchmarks: run with `make bench`; never imported by the tests."""
