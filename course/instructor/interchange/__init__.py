"""Question interchange: GIFT and Aiken import through a preview, and GIFT export."""
