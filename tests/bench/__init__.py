"""Tests of the benchmark harness: measurements, the report, the command and the scale stages."""
