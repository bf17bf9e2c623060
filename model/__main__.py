"""``python -m model``: the command line (see model/cli.py)."""

import sys

from model.cli import main

sys.exit(main())
