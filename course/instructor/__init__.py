"""Instructor tools: question bank editor, quiz settings, item analysis and reports."""
