"""Quizzes: question types, attempts, grading and review."""
