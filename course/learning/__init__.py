"""Learning: catalog, course and module pages, the learner dashboard and progress."""
