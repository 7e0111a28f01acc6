"""Web servers in runtimes, reached through the hub (Colab's ``serve_kernel_port_as_iframe``,
``serve_kernel_port_as_window`` and ``google.colab.kernel.proxyPort``).

* ``links``: capability links, minted for a signed-in person who may run the notebook, bound to
  (user, runtime, port), short-lived, dead once the runtime stops;
* ``routes``: ``POST /api/notebooks/{item_id}/ports`` mints one;
* ``proxy``: ``/api/runtimes/proxy/{token}/...`` reverse-proxies HTTP and WebSocket to the port,
  after checking (runtimes.listeners) that only that runtime's processes listen on it, and serves
  everything with ``Content-Security-Policy: sandbox ...`` so it runs in an opaque origin.
"""
