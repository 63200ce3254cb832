"""The front door: requests read off the wire, authenticated, and answered in each protocol's shape."""
