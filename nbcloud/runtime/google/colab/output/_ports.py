"""A web server started in the runtime, shown in the output (``serve_kernel_port_as_iframe``) or
opened in a new tab (``serve_kernel_port_as_window``), as in Colab.

Both display a small JavaScript output. In the page it asks, through the output frame's
``google.colab.kernel.proxyPort(port)``, for a link to the port: the page requests one from the
hub for the person viewing the notebook, and the hub reverse-proxies that link to the port of
this runtime only. The link is short-lived; showing the output again (reloading the notebook)
gets a fresh one.
"""

from __future__ import annotations

import json

from IPython import display

_IFRAME_JS = """(async (port, path, width, height, element) => {
  const note = (text) => {
    const p = document.createElement('pre');
    p.className = 'frame-error';
    p.textContent = text;
    element.appendChild(p);
  };
  let base;
  try {
    base = await google.colab.kernel.proxyPort(port);
  } catch (error) {
    note('Could not show port ' + port + ': ' + (error && error.message ? error.message : error));
    return;
  }
  const frame = document.createElement('iframe');
  frame.src = new URL(String(path).replace(/^\\/+/, ''), base).toString();
  frame.width = width;
  frame.height = height;
  frame.title = 'Port ' + port;
  frame.style.border = '0';
  frame.allow = ['autoplay', 'camera', 'clipboard-read', 'clipboard-write', 'microphone'].join('; ');
  element.appendChild(frame);
})(%(port)s, %(path)s, %(width)s, %(height)s, window.element);
"""

_WINDOW_JS = """(async (port, path, text, element) => {
  let base;
  try {
    base = await google.colab.kernel.proxyPort(port);
  } catch (error) {
    const p = document.createElement('pre');
    p.className = 'frame-error';
    p.textContent = 'Could not link to port ' + port + ': ' + (error && error.message ? error.message : error);
    element.appendChild(p);
    return;
  }
  const anchor = document.createElement('a');
  anchor.href = new URL(String(path).replace(/^\\/+/, ''), base).toString();
  anchor.target = '_blank';
  anchor.rel = 'noopener noreferrer';
  anchor.textContent = text;
  element.appendChild(anchor);
})(%(port)s, %(path)s, %(text)s, window.element);
"""


def _port(port: object) -> int:
    value = int(port)  # type: ignore[call-overload]
    if not 1 <= value <= 65535:
        raise ValueError(f"port must be between 1 and 65535, not {port!r}")
    return value


def serve_kernel_port_as_iframe(port, path="/", width="100%", height="400", cache_in_notebook=False):
    """Show the web server listening on ``port`` in this runtime in an iframe in the output.

    Args:
      port: the port of the server, in this runtime.
      path: the path to open on it.
      width: the iframe's width (CSS).
      height: the iframe's height (CSS pixels).
      cache_in_notebook: accepted for Colab compatibility; the page always shows the live server.
    """
    del cache_in_notebook
    code = _IFRAME_JS % {
        "port": _port(port),
        "path": json.dumps(str(path)),
        "width": json.dumps(str(width)),
        "height": json.dumps(str(height)),
    }
    display.display(display.Javascript(code))


def serve_kernel_port_as_window(port, path="/", anchor_text=None, skip_warning=True):
    """Show a link that opens the web server listening on ``port`` in this runtime in a new tab.

    Args:
      port: the port of the server, in this runtime.
      path: the path to open on it.
      anchor_text: the link's text (``https://localhost:{port}{path}`` by default, as in Colab).
      skip_warning: accepted for Colab compatibility.
    """
    del skip_warning
    port = _port(port)
    text = anchor_text or f"https://localhost:{port}{path}"
    code = _WINDOW_JS % {"port": port, "path": json.dumps(str(path)), "text": json.dumps(str(text))}
    display.display(display.Javascript(code))
