"""An HTML element that renders itself as a display output."""

from __future__ import annotations

import html as _html
import json
import uuid
from typing import Any


class Element:
    """``Element('div', attributes={'class': 'x'}, properties={'innerText': 'hi'}, children=[...])``."""

    def __init__(self, tag: str, attributes: dict[str, Any] | None = None, properties: dict[str, Any] | None = None,
                 src: str | None = None, children: list[Any] | None = None):
        if not tag.replace("-", "").isalnum():
            raise ValueError(f"not an HTML tag name: {tag!r}")
        self._tag = tag
        self._attributes = dict(attributes or {})
        self._properties = dict(properties or {})
        self._src = src
        self._children: list[Any] = list(children or [])
        self._id = "e" + uuid.uuid4().hex[:12]
        if src:
            self._attributes.setdefault("src", src)

    def get_attribute(self, name: str) -> Any:
        return self._attributes.get(name)

    def set_attribute(self, name: str, value: Any) -> None:
        self._attributes[name] = value

    def get_property(self, name: str) -> Any:
        return self._properties.get(name)

    def set_property(self, name: str, value: Any) -> None:
        self._properties[name] = value

    def append_child(self, child: Any) -> None:
        self._children.append(child)

    def remove_child(self, child: Any) -> None:
        self._children.remove(child)

    def add_event_listener(self, name: str, callback: Any) -> None:
        raise NotImplementedError("Element event listeners need a live page connection; use "
                                  "output.register_callback with JavaScript in the output instead.")

    def _repr_html_(self) -> str:
        attrs = "".join(f' {_html.escape(str(k))}="{_html.escape(str(v))}"' for k, v in self._attributes.items())
        inner = "".join(c._repr_html_() if hasattr(c, "_repr_html_") else _html.escape(str(c)) for c in self._children)
        script = ""
        if self._properties:
            script = (f"<script>(function(){{var e=document.getElementById({json.dumps(self._id)});"
                      f"Object.assign(e,{json.dumps(self._properties)});}})();</script>")
        return f'<{self._tag} id="{self._id}"{attrs}>{inner}</{self._tag}>{script}'
