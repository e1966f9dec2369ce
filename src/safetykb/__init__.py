"""safetykb: a docs-as-code knowledge base for safety production."""

__version__ = "0.1.0"
