"""gsd: the deterministic referee for GSD-style `.planning/` folders."""

__version__ = "0.1.0"
