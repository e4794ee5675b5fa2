"""Commands: the one way in, the runner, flows across streams, limits and rates."""
