"""Development and test helpers (the in-memory search engine). Production never imports this package."""
