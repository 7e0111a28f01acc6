"""Code that runs inside a runtime's sandbox (mounted read-only at /opt/nbcloud/lib).

The ``google.colab`` compatibility package will live here (``google/colab/``).
Nothing in this folder may import the hub.
"""
