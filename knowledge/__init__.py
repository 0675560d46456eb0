"""The knowledge base and office directory (SQLAlchemy models and YAML content)."""
