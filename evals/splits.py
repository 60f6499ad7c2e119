"""The answer-set splits, named once for the eval report, the set checker and the CLI.

No imports: ``assistant eval --split`` lists these at CLI start-up without loading the evals.
"""

# dev is tuned on; holdout2/3/4 were written by engineers who never ran the assistant (22 Nov 2026)
SPLITS: tuple[str, ...] = ("dev", "holdout", "holdout2", "holdout3", "holdout4")
