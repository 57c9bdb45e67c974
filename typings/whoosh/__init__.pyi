# Whoosh ships no types. Only the base classes Parley extends are declared
# (highlight.Formatter, formats.Positions, searching.Results); every other module and
# name is Any.
from typing import Any

def __getattr__(name: str) -> Any: ...
