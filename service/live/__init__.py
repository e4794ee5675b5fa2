"""Live boards: the WebSocket endpoint, the hub, its protocol, wake-ups from other instances."""
