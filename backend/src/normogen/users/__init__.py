"""The users collection and the account lifecycle that auth and accounts both use."""
