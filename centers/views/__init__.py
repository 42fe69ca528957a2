"""Views of the service center system, one module per part: the center, the service-item catalog,
proxy requests, duty shifts."""
