"""Periodic reviews: when one falls due, the review pre-filled with the evidence, the deciding body's
decision, and the courteous letter to the partner."""
