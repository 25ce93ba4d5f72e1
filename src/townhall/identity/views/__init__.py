"""Staff pages, one module per area: signing in, the user's account, invitations, organisations."""
