"""``python -m bench [department|national]`` (``make bench SCALE=…``): see ``bench.run``."""

from bench.run import main

main()
