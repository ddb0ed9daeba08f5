"""Learning analytics: an analytics store fed from the LRS, and one module per question.

The LRS row store stays the source of truth. `sync` copies its statements in batches into
the analytics store (`store.parquet`: immutable Parquet files, read in-process by DuckDB,
see `query`), and `questions/` holds one function per dashboard question. docs/analytics.md
tells the whole story.
"""
