"""`python -m kb …`: the same command as `kb …` (for a venv whose scripts are not on PATH)."""

import sys

from kb.cli.main import main

sys.exit(main())
