"""Relationship health: the ceremonial rule, health figures and their charts."""
