"""Names vulture reports as unused that are used where it cannot see (`make dead`).

Each group says who uses them; real dead code is deleted, not listed here.
"""

# Pydantic response-model fields: serialised into API responses (and read by clients).
language  # src/normogen/accounts/schemas.py
timezone
preferences
token_type  # src/normogen/auth/schemas.py
last_used_at
joined_at  # src/normogen/families/schemas.py, clients/python/src/normogen_client/families.py
inviter_email
last_accessed_at  # src/normogen/links/schemas.py
revoked_at
updated_at  # profiles, records (server and client models)
created_by
updated_by
encryption_algorithm  # src/normogen/ops/router.py ServerInfo
max_request_bytes
web_url
link_max_days
emergency_link_max_days
# Pydantic and pytest read these class attributes and module variables by name.
model_config
pytest_plugins  # tests/conftest.py
_.__test__  # tests/support.py
# Called by frameworks: uvicorn's factory string (cli_support.py), PyMongo's pool listener
# (core/metrics.py), uvicorn's signal handling (ops/server.py), logging (logging.py).
app_from_environment
_.connection_checked_out
_.connection_checked_in
_.connection_created
_.connection_closed
_.pool_created
_.pool_ready
_.pool_cleared
_.pool_closed
_.connection_ready
_.connection_check_out_started
_.connection_check_out_failed
_.handle_exit
_.force_exit
frame
_._srcfile
_.logThreads
_.logProcesses
_.logMultiprocessing
_.disabled
# __exit__ parameters (db/embedded.py, the client's transport.py).
exc_type
tb
# An enum member reached through Role("viewer") (profiles/access.py).
VIEWER
# The reference client's public API for applications (clients/python/README.md).
_.logout_all
_.set_role
_.leave
owner_identity_key  # src/normogen/families/schemas.py response fields
owner_public_key
crypto_contract  # src/normogen/ops/router.py ServerInfo
# Protocol methods and attributes called by the standard library: a signal handler's
# argument (cli_support.py), tarfile member fields and a file-like reader (ops/backup.py),
# http.server's handler methods (tests/integration/test_operator_cli.py).
signum
_.mode
_.mtime
_.readable
_.do_GET
_.log_message
# The reference client's public API for applications (clients/python/README.md).
preferences_aad
_.pin_of
# pytest hooks, typer settings and CLI enum members chosen by name on the command line
# (tests/e2e/cli/conftest.py, clients/python/src/normogen_client/cli/).
pytest_collection_modifyitems
_.no_args_is_help
adult
elder
health_data
lab_result
medication_dose
_.forget_all  # the client's public API (normogen_client/seen.py)
# Typer reads the signature and annotations the typed record options give their wrapper
# (clients/python/src/normogen_client/cli/record_options.py).
_.__annotations__
