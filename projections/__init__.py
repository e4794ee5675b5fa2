"""Read models: pure folds over recorded events, and the checkpointed runner that feeds them."""
