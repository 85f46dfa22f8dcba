"""Certificates: eligibility, issuing, verification and signed Open Badges 3.0 credentials."""
