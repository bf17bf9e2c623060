"""``python -m model``: the command line (see model/cli/main.py)."""

import sys

from model.cli.main import main

sys.exit(main())
