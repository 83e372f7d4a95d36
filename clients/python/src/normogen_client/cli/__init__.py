"""`normogen-client`: the command-line client built on the library's high-level classes."""
