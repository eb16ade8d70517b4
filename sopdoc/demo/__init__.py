"""A demo season, and the form generators the demo, tests and benchmark share."""
