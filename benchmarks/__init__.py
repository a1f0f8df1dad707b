"""Benchmarks of the web service against a native Oxigraph server and rdflib-endpoint.

See ``benchmarks/README.md``. Nothing here is imported by the library or the web app.
"""
