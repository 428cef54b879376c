"""Quote attribution datasets from Vietnamese news."""

__version__ = "0.1.0"
