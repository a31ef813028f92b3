"""``python -m fixsession``: the command line."""

import sys

from fixsession.tools.cli import main

sys.exit(main())
