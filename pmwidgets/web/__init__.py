"""Serving the notebooks as a web app with Voila (``pmw serve``)."""
