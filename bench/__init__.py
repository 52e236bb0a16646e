"""The benchmark of Passerelle at department and national scale (``make bench``; bench/README.md)."""
