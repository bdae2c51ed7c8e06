"""Staff and guest accounts, sign-in and sign-out."""
