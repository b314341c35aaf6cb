"""Test support shared by several test modules (imported as `support.*`:
pytest puts tests/ on sys.path, as for tests/test_tui.py's own imports)."""
