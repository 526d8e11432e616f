"""The JSON API under /api/v1/ (issue 13, W1): tokens, endpoints and signed webhooks.

An entry point like the views and the mail gateway: it parses and checks input, scopes
through `tickets.access` and changes state only through the services layer.
"""
