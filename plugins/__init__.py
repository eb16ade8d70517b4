"""sopdoc's built-in region parsers (installed as the `sopdoc_regions` package)."""
