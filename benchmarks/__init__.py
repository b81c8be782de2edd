"""Benchmarks: speed, memory and scale, each figure beside the best this machine can do.

`make bench` (national scale, writes docs/benchmarks.md) and `make bench-smoke` (tiny scale,
writes var/bench/smoke.md). The harness itself never imports Django: every measurement that
needs the application runs in a subprocess (`python -m benchmarks.worker`) configured for one
database, so SQLite and PostgreSQL are measured with the same code and the same settings file.
Benchmarks are not tests: a missed target is reported, never raised; only errors fail a run.
"""
