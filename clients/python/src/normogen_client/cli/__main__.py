"""`python -m normogen_client.cli`: the same as the `normogen-client` command."""

import sys

from normogen_client.cli.app import main

sys.exit(main())
