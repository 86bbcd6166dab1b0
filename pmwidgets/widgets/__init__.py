"""Composite ipywidgets, one public widget per module; they draw and call services."""
