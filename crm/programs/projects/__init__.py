"""Joint projects with budgets and milestones."""
