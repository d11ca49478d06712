"""Voice Studio's RVC v2 trainer (PyTorch).

Run as ``python3 -m trainer <command> ...`` with ``worker/`` as the working directory or on PYTHONPATH.
See README.md next to this file for the CLI and the JSON-lines protocol.
"""

__version__ = "0.1.0"
