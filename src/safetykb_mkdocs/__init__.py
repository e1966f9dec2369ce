"""The MkDocs side of safetykb: a thin plugin (``plugins: [safetykb]``).

Kept out of the ``safetykb`` package on purpose: the core never imports
MkDocs, so that the knowledge base survives a move to another generator.
"""

from .plugin import SafetyKBPlugin

__all__ = ["SafetyKBPlugin"]
