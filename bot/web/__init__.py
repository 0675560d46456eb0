"""The web chat, the staff page and the channels' webhooks, served by `orienta run`."""
