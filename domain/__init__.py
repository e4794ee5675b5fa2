"""Plenary's pure model: commands, events, deciders and rules. No I/O, no clock."""
