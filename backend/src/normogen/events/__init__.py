"""Security events: what happened to an account (logins, failures, revocations), never secrets."""
