"""Jinja2 templates and the stylesheet of the HTML proof site (a package so that wheels ship them)."""
