"""Who gets in: tokens, their checks against the log, the operator's organisers."""
