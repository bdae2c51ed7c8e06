"""Demo data for trying the product (never loaded in production setup)."""
