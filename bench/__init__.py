"""Load tests: the app under gunicorn against a bare Flask baseline (`make bench`)."""
