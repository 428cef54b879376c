"""Quote attribution datasets from Vietnamese news."""

from pathlib import Path

__version__ = "0.1.0"  # the one place the version is written: pyproject.toml reads it from here

_PACKAGE = Path(__file__).parent
API = ("extract", "extract_table")  # quotes.extract(text), quotes.extract_table(df): see quotes/api.py


def __getattr__(name: str):
    """The API loads on first use, so that `import quotes` (and the CLI) stays light."""
    if name in API:
        from quotes import api

        return getattr(api, name)
    raise AttributeError(f"module 'quotes' has no attribute {name!r}")


def _module_name(compiled: Path, package: Path) -> str:
    """quotes/extraction/runner.cpython-311-x86_64-linux-gnu.so -> extraction.runner"""
    parts = compiled.relative_to(package).parts
    return ".".join([*parts[:-1], parts[-1].split(".")[0]])


def compiled_modules(package: Path = _PACKAGE) -> list[str]:
    """The modules installed compiled by mypyc (setup.py); the others run as plain Python."""
    return sorted(_module_name(path, package) for path in package.rglob("*.so"))


def stale_compiled_modules(package: Path = _PACKAGE) -> list[str]:
    """In a source checkout, the compiled modules whose source changed after they were built:
    Python would import the compiled module all the same, and run the old code."""
    if not (package.parent / "setup.py").exists():
        return []  # an installed package: its files come from one build
    stale = []
    for compiled in package.rglob("*.so"):
        source = compiled.with_name(compiled.name.split(".")[0] + ".py")
        if source.exists() and source.stat().st_mtime > compiled.stat().st_mtime:
            stale.append(_module_name(compiled, package))
    return sorted(stale)


if stale := stale_compiled_modules():
    raise ImportError(f"quotes: {', '.join(stale)} changed after being compiled; rebuild with `make` "
                      "(or pip install --no-deps -e .), or delete the .so files under quotes/ to run plain Python")
