"""The web application: server-rendered pages (Jinja2) enhanced with htmx, over the same services as the API."""
