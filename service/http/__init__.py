"""The HTTP API's handlers."""
