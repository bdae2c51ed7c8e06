"""Wikidata comparison (issue 23 §3): what Wikidata's P190 "twinned administrative body" says of the office's
home cities, against what the office records."""
