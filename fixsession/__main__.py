"""``python -m fixsession``: the command line."""

import sys

from fixsession.cli import main

sys.exit(main())
