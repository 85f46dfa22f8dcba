"""Role-matrix rows contributed by feature areas (see tests/test_roles.py)."""
