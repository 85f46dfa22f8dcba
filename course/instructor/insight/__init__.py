"""Insight: item analysis, mastery, the cohort report and its charts."""
