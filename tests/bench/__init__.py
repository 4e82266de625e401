"""Benchmark of the dashboard against honest floors measured in the same run.

Run with `python -m tests.bench` (see `tests/bench/run.py` and README, «Medir la velocidad»).
Nothing here is collected by pytest: no time is ever asserted in the test suite.
"""
