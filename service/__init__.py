"""Plenary's I/O layer: HTTP API, WebSocket hub, event store and CLI."""
