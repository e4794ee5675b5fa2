"""Tools beside the service: the demo programme and a Python client of the socket."""
