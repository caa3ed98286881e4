"""Real Ubuntu desktop apps under a private Xvfb, observed through AT-SPI over D-Bus."""
