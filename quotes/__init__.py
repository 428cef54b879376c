"""Quote attribution datasets from Vietnamese news."""

from pathlib import Path

__version__ = "0.1.0"

_PACKAGE = Path(__file__).parent


def compiled_modules(package: Path = _PACKAGE) -> list[str]:
    """The modules installed compiled by mypyc (setup.py); the others run as plain Python."""
    return sorted(path.name.split(".")[0] for path in package.glob("*.so"))


def stale_compiled_modules(package: Path = _PACKAGE) -> list[str]:
    """In a source checkout, the compiled modules whose source changed after they were built:
    Python would import the compiled module all the same, and run the old code."""
    if not (package.parent / "setup.py").exists():
        return []  # an installed package: its files come from one build
    return [name for name in compiled_modules(package)
            if (package / f"{name}.py").stat().st_mtime > next(package.glob(f"{name}.*.so")).stat().st_mtime]


if stale := stale_compiled_modules():
    raise ImportError(f"quotes: {', '.join(stale)} changed after being compiled; rebuild with `make` "
                      "(or pip install --no-deps -e .), or delete quotes/*.so to run plain Python")
