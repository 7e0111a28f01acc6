// The third-party widget packages installed in the runtime environment (ipyleaflet, bqplot,
// plotly, anywidget...), as the hub lists them: each one's front end and the URL the output frame
// loads it from. The frame has an opaque origin and so no session; the URLs carry an access key the
// hub gave this signed-in page. Fetched once per page, handed to each widget frame with its output.

import { signal } from '@preact/signals';
import { request } from '../../api/http';
import type { WidgetExtensionInfo } from './protocol';

/** The catalog once fetched (an empty one when the fetch failed: built-in widgets still work). */
export const widgetExtensionCatalog = signal<WidgetExtensionInfo[] | null>(null);
let fetching = false;

/** Starts fetching the catalog unless it is here or on its way. */
export function loadWidgetExtensions(): void {
  if (fetching || widgetExtensionCatalog.value) return;
  fetching = true;
  request<{ extensions: WidgetExtensionInfo[] }>('GET', '/api/widget-extensions')
    .then((answer) => {
      widgetExtensionCatalog.value = answer.extensions;
    })
    .catch((error: unknown) => {
      console.error('The list of installed widget packages did not load:', error);
      widgetExtensionCatalog.value = [];
    })
    .finally(() => {
      fetching = false;
    });
}
