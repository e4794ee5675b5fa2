"""Commands: the one way in (``handle``), the table of routes, what a token opens, the runner,
the flows that span streams, and the limits and rates that bound them."""
