"""Orienta's Rasa action server (rasa-sdk): one module per concern."""
