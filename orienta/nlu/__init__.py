"""Custom Rasa NLU components used in ``config.yml``."""
