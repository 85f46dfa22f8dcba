"""Authoring: draft modules from an article, and the module editor."""
