"""Content and directory: geography, organisations, services, locations, guidelines, APIs, HSDS, imports."""
