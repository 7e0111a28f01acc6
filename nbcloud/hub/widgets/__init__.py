"""HTTP routes for third-party widget front ends (the domain part is nbcloud.hub.runtimes.widget_extensions)."""
