"""Partner-city contacts as guests: invitations, their scope, and the guest portal."""
