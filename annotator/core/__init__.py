"""Pure Python: documents, layers, schema, text helpers, metrics. Never imports Qt."""
