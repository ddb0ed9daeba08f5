"""The experiment stats engine: pure functions over per-arm sufficient statistics.

No models, no database: the campaigns app reads counts from the record, builds `ArmStats`
(inputs.py) and asks `verdict.judge()` for a structured answer that the UI renders with
`verdict.describe()`. Every method is documented in docs/experiments.md and cross-checked
against GrowthBook's gbstats 0.8.0 in tests/test_stats_vs_gbstats.py.
"""
