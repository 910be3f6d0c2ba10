"""Everything Whoosh: schema, analyzers, index build/update and queries. Returns plain objects."""
