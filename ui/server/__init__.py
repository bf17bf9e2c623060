"""Computing and caching in the server process (above ``language``): stores, queues, disk cache, warm-up."""
