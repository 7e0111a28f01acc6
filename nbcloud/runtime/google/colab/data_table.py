"""Interactive tables: sort by a column, filter by text, page through rows.

``DataTable(df)`` renders an HTML table with a small script (it runs in the sandboxed output
frame); ``enable_dataframe_formatter()`` makes every pandas DataFrame display that way.
It also accepts a dict of columns or a list of rows (dicts or sequences).
"""

from __future__ import annotations

import html
import json
import uuid
from typing import Any

_SCRIPT = r"""<script>(function(){
var root=document.getElementById(%(id)s),data=%(data)s,perPage=%(per_page)d;
var rows=data.rows.slice(),shown=rows,page=0,sortCol=-1,asc=true;
var body=root.querySelector('tbody'),info=root.querySelector('.dt-info'),filter=root.querySelector('input');
function cmp(a,b){if(typeof a==='number'&&typeof b==='number')return a-b;return String(a).localeCompare(String(b));}
function draw(){var pages=Math.max(1,Math.ceil(shown.length/perPage));page=Math.min(page,pages-1);
var html='';shown.slice(page*perPage,(page+1)*perPage).forEach(function(r){html+='<tr>'+r.map(function(v){
var d=document.createElement('td');d.textContent=v===null?'':String(v);return d.outerHTML;}).join('')+'</tr>';});
body.innerHTML=html;info.textContent='Page '+(page+1)+' of '+pages+' ('+shown.length+' rows)';}
filter.addEventListener('input',function(){var q=filter.value.toLowerCase();shown=rows.filter(function(r){
return r.some(function(v){return String(v).toLowerCase().indexOf(q)>=0;});});page=0;draw();});
root.querySelectorAll('th button').forEach(function(b,i){b.addEventListener('click',function(){
asc=sortCol===i?!asc:true;sortCol=i;rows.sort(function(x,y){return asc?cmp(x[i],y[i]):cmp(y[i],x[i]);});
filter.dispatchEvent(new Event('input'));});});
root.querySelector('.dt-prev').addEventListener('click',function(){page=Math.max(0,page-1);draw();});
root.querySelector('.dt-next').addEventListener('click',function(){page+=1;draw();});draw();})();</script>"""


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if hasattr(value, "item"):
        try:
            return _jsonable(value.item())
        except Exception:
            pass
    return str(value)


def _columns_and_rows(data: Any, include_index: bool, max_rows: int, max_columns: int) -> tuple[list[str], list[list[Any]]]:
    if hasattr(data, "columns") and hasattr(data, "itertuples"):  # a pandas DataFrame
        frame = data.iloc[:max_rows, :max_columns]
        columns = [str(c) for c in frame.columns]
        rows = [list(t) for t in frame.itertuples(index=include_index, name=None)]
        if include_index:
            columns = [str(frame.index.name or "")] + columns
    elif isinstance(data, dict):
        columns = [str(c) for c in list(data)[:max_columns]]
        values = [list(data[c]) for c in list(data)[:max_columns]]
        rows = [list(r) for r in zip(*values, strict=False)][:max_rows]
        if include_index:
            columns, rows = [""] + columns, [[i, *r] for i, r in enumerate(rows)]
    else:
        records = list(data)[:max_rows]
        if records and isinstance(records[0], dict):
            columns = [str(c) for c in list(records[0])[:max_columns]]
            rows = [[r.get(c) for c in list(records[0])[:max_columns]] for r in records]
        else:
            width = min(max((len(r) for r in records), default=0), max_columns)
            columns = [str(i) for i in range(width)]
            rows = [list(r)[:width] for r in records]
        if include_index:
            columns, rows = [""] + columns, [[i, *r] for i, r in enumerate(rows)]
    return columns, [[_jsonable(v) for v in r] for r in rows]


class DataTable:
    max_rows = 20000
    max_columns = 20

    def __init__(self, dataframe: Any, include_index: bool = True, num_rows_per_page: int = 25,
                 max_rows: int | None = None, max_columns: int | None = None, min_width: str | None = None):
        self._data = dataframe
        self._include_index = include_index
        self._per_page = max(1, int(num_rows_per_page))
        self._max_rows = max_rows or DataTable.max_rows
        self._max_columns = max_columns or DataTable.max_columns
        self._min_width = min_width

    def _repr_html_(self) -> str:
        columns, rows = _columns_and_rows(self._data, self._include_index, self._max_rows, self._max_columns)
        table_id = "dt-" + uuid.uuid4().hex[:12]
        heads = "".join(f'<th><button aria-label="Sort by {html.escape(c) or "index"}" '
                        f'style="border:0;background:none;font-weight:bold;cursor:pointer">{html.escape(c)}</button></th>'
                        for c in columns)
        width = f"min-width:{html.escape(self._min_width)};" if self._min_width else ""
        data = json.dumps({"columns": columns, "rows": rows}).replace("</", "<\\/")
        return (
            f'<div class="colab-data-table" id="{table_id}" style="font:13px sans-serif;{width}">'
            f'<input type="search" aria-label="Filter rows" placeholder="Filter" style="margin-bottom:4px">'
            f'<table style="border-collapse:collapse"><thead><tr>{heads}</tr></thead><tbody></tbody></table>'
            f'<div><button class="dt-prev" aria-label="Previous page">&lsaquo;</button>'
            f'<span class="dt-info"></span><button class="dt-next" aria-label="Next page">&rsaquo;</button></div></div>'
            + _SCRIPT % {"id": json.dumps(table_id), "data": data, "per_page": self._per_page}
        )


_enabled = False


def _format_frame(frame: Any) -> str:
    return DataTable(frame)._repr_html_()


def enable_dataframe_formatter() -> None:
    """Show every pandas DataFrame as an interactive table."""
    global _enabled
    from IPython import get_ipython

    ip = get_ipython()
    if ip is None:
        return
    ip.display_formatter.formatters["text/html"].for_type_by_name("pandas.core.frame", "DataFrame", _format_frame)
    _enabled = True


def disable_dataframe_formatter() -> None:
    """Back to pandas' own HTML for DataFrames."""
    global _enabled
    from IPython import get_ipython

    ip = get_ipython()
    if ip is None or not _enabled:
        return
    formatter = ip.display_formatter.formatters["text/html"]
    formatter.deferred_printers.pop(("pandas.core.frame", "DataFrame"), None)
    try:
        import pandas

        formatter.type_printers.pop(pandas.DataFrame, None)
    except ImportError:
        pass
    _enabled = False
