"""The hub: one ASGI application with one subpackage per job (auth, drive, documents, ...)."""
