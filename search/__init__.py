"""Public full-text search: elasticsearch-dsl documents, index sync, queries and the search API."""
