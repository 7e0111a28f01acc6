"""Execution on the hub: the hub, not the browser, owns the kernel connection.

The browser asks "run cell X"; the hub queues it, sends the execute request to the notebook's
runtime and writes every output into the live document, so outputs survive a closed tab and
every viewer sees them. Requests that need a person (``input()``) go to the browsers of the user
who ran the cell.
"""
