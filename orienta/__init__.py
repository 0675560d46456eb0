"""Orienta's shared core: settings, topic map, language identification, catalogs, NLU parts."""
