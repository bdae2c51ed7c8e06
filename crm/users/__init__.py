"""The administrators' list of staff accounts."""
