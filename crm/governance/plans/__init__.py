"""Relationship plans: what a partnership is for over a period, its objectives per pillar with measurable
targets and owners, and their progress computed from the timeline."""
