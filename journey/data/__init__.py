"""Data files shipped with the package (the default taxonomy)."""
