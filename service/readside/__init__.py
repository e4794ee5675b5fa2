"""The read side: read models, the projector, recent events, exports."""
