"""A test-only app that kills its own process at one named step of fulfilment or of sending an e-mail.

Only `tests/reliability/crash_settings.py` installs it; production code has no hooks for it.
"""
