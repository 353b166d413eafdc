"""The other scripts in tools/ (kexport-call, kexport-open-data) as modules:
they have no .py name to import by."""

import functools
import importlib.machinery
import importlib.util
import os

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@functools.lru_cache(maxsize=None)
def load(filename):
    """tools/<filename> as a module, loaded once."""
    loader = importlib.machinery.SourceFileLoader(
        filename.replace("-", "_"), os.path.join(TOOLS, filename))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module
