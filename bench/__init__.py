"""`make bench`: the site's throughput measured against a bare Django view served the same way (bench/run.py)."""
