"""axiomforge: a formal-verification and symbolic-reasoning workbench."""

__version__ = "0.1.0"
