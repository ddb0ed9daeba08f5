"""Core has no tables yet; the module exists so Django sends core its post_migrate signal."""
