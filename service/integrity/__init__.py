"""The log's integrity: signed checkpoints, sealing on a schedule, the audit."""
