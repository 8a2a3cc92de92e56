import sys

from axiomforge.cli import main

sys.exit(main())
