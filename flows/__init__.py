"""Prefect flows: the only package that imports prefect; each task wraps one library call."""
