"""Continuing education: activity information, disclosures, credit designations and claims."""
