// Runs the scripts of HTML set through innerHTML (which never runs them), in document order, as
// Jupyter does. An external script is awaited before the next one runs, so a library loaded by
// `<script src>` exists when the inline script after it uses it.

const SCRIPT_TYPES = new Set(['', 'text/javascript', 'application/javascript', 'module']);

export async function runScripts(root: Element): Promise<void> {
  for (const old of Array.from(root.querySelectorAll('script'))) {
    if (!old.isConnected) continue; // an earlier script removed it
    const type = (old.getAttribute('type') ?? '').trim().toLowerCase();
    if (!SCRIPT_TYPES.has(type)) continue; // data blocks (application/json, templates) stay as they are
    const script = document.createElement('script');
    for (const attribute of Array.from(old.attributes)) script.setAttribute(attribute.name, attribute.value);
    script.text = old.text;
    // (A created script's `async` is true by default, so ask the original for the attribute.)
    const loaded =
      script.src && !old.hasAttribute('async')
        ? new Promise<void>((resolve) => {
            script.addEventListener('load', () => resolve());
            script.addEventListener('error', () => resolve());
          })
        : null;
    if (loaded) script.async = false;
    old.replaceWith(script);
    if (loaded) await loaded;
  }
}
