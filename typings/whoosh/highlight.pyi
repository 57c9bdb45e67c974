# Whoosh ships no types: only the base class Parley extends is declared; the rest of
# the module (fragmenters, Highlighter) stays Any.
from typing import Any

class Formatter:
    between: str
    def format_fragment(self, fragment: Any, replace: bool = False) -> Any: ...
    def format(self, fragments: Any, replace: bool = False) -> Any: ...

def __getattr__(name: str) -> Any: ...
