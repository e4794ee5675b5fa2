"""``python -m service.cli``: the ``plenary`` command (how serve starts its projector)."""

import sys

from service.cli import main

sys.exit(main())
