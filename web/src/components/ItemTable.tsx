// The Drive listing: sortable headers, folders first, open on double-click or Enter.

import { useState } from 'preact/hooks';
import type { DriveItem, SortKey, SortOrder } from '../api/types';
import { formatBytes, formatDate } from '../lib/format';
import { Icon, itemIcon } from './Icon';
import { ItemActions } from './ItemActions';

interface Props {
  items: DriveItem[];
  sort: SortKey;
  order: SortOrder;
  onSort: (sort: SortKey, order: SortOrder) => void;
  onOpen: (item: DriveItem) => void;
}

const COLUMNS: { key: SortKey; label: string; class: string }[] = [
  { key: 'name', label: 'Name', class: 'col-name' },
  { key: 'modified', label: 'Modified', class: 'col-modified' },
  { key: 'size', label: 'Size', class: 'col-size' },
];

export function ItemTable({ items, sort, order, onSort, onOpen }: Props) {
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <table class="items">
      <thead>
        <tr>
          {COLUMNS.map((column) => {
            const active = column.key === sort;
            return (
              <th
                key={column.key}
                class={column.class}
                scope="col"
                aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button
                  type="button"
                  class={active ? 'sort-button sort-button-active' : 'sort-button'}
                  onClick={() => onSort(column.key, active && order === 'asc' ? 'desc' : 'asc')}
                >
                  {column.label}
                  <Icon name="arrowUp" size={16} class={`sort-arrow ${active && order === 'desc' ? 'sort-arrow-down' : ''}`} />
                </button>
              </th>
            );
          })}
          <th class="col-actions" scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const icon = itemIcon(item);
          const key = String(item.id);
          return (
            <tr
              key={key}
              class={selected === key ? 'item-row item-row-selected' : 'item-row'}
              tabIndex={0}
              onClick={() => setSelected(key)}
              onFocus={() => setSelected(key)}
              onDblClick={() => onOpen(item)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && event.target === event.currentTarget) onOpen(item);
              }}
            >
              <td class="col-name">
                <span class="item-name">
                  <Icon name={icon.name} class={icon.tone} />
                  <span class="item-name-text" title={item.name}>
                    {item.name}
                  </span>
                </span>
              </td>
              <td class="col-modified">{formatDate(item.modified)}</td>
              <td class="col-size">{item.is_folder ? '—' : formatBytes(item.size)}</td>
              <td class="col-actions">
                <ItemActions item={item} onOpen={onOpen} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
