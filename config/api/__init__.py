"""The headless API: the Ninja root, its error shape, auth, rate limits, and v2 fields shared by the rooms."""
