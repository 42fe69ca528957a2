"""The permission matrix's engine (tests/permissions/engine.py); each app's entries live in tests/<app>/permissions.py."""
