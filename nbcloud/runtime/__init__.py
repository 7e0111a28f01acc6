"""Code that runs inside a runtime's sandbox (mounted read-only at /opt/nbcloud/lib).

``google/colab/`` is the Colab compatibility package (``google`` is a namespace package, so it
sits next to installed google-* packages); ``sample_data/`` is copied to /content/sample_data
in every new runtime. Nothing in this folder may import the hub.
"""
