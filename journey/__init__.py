"""Journey graph service: the domain — data contract, taxonomy, analyses and maps.

This package imports neither a web framework nor a database driver. Its
functions take pandas frames and NetworkX graphs and return frames, graphs and
plain dataclasses, so they can be used from a notebook as well as from the
service.
"""

__version__ = "0.1.0"
