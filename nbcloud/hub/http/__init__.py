"""The HTTP layer's shared parts: who is asking (dependencies, websocket), CSRF, client addresses.

Route modules (``nbcloud.hub.*.routes``) and the composition root (``nbcloud.hub.app``) import
these; domain packages never do (checked by import-linter, see pyproject.toml).
"""
