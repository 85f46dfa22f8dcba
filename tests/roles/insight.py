"""Role-matrix rows for insight: item analysis, mastery, cohort report and its CSV export."""

STAFF_ONLY = ("GET", "login", 403, 200, 200)

ROWS = {
    "instructor.item_analysis": STAFF_ONLY,
    "instructor.mastery": STAFF_ONLY,
    "instructor.cohort": STAFF_ONLY,
    "instructor.cohort_csv": STAFF_ONLY,
    "instructor.evaluations": STAFF_ONLY,
}
