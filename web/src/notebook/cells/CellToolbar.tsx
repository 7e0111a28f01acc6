// A cell's own actions: move, delete, and a menu for the rest (copy, cut, paste, add
// above/below, code <-> text). Shown on hover and for the selected cell.

import { Menu, type MenuItem } from '../../components/Menu';
import type { CellType } from '../model/cells';
import type { NotebookSession } from '../NotebookSession';
import { NbIcon } from '../NbIcon';

interface Props {
  session: NotebookSession;
  id: string;
  type: CellType;
  index: number;
  count: number;
  editing: boolean;
}

export function CellToolbar({ session, id, type, index, count, editing }: Props) {
  const items: MenuItem[] = [
    { label: 'Copy cell', onSelect: () => session.copyCell(id) },
    { label: 'Cut cell', onSelect: () => session.cutCell(id) },
    ...(session.hasClipboard.value ? [{ label: 'Paste cell below', onSelect: () => session.pasteBelow(id) }] : []),
    { label: 'Add code cell above', onSelect: () => session.addCellRelative(id, 'code', 'above') },
    { label: 'Add code cell below', onSelect: () => session.addCellRelative(id, 'code', 'below') },
    { label: 'Add text cell above', onSelect: () => session.addCellRelative(id, 'markdown', 'above') },
    { label: 'Add text cell below', onSelect: () => session.addCellRelative(id, 'markdown', 'below') },
    type === 'code'
      ? { label: 'Convert to text cell', onSelect: () => session.changeType(id, 'markdown') }
      : { label: 'Convert to code cell', onSelect: () => session.changeType(id, 'code') },
  ];
  return (
    <div class="nb-cell-toolbar" role="toolbar" aria-label="Cell actions">
      {type === 'markdown' && (
        <button
          type="button"
          class="nb-icon-button"
          aria-label={editing ? 'Render text' : 'Edit text'}
          title={editing ? 'Render (Shift+Enter)' : 'Edit (double-click)'}
          onClick={() => {
            session.setEditing(id, !editing);
            if (!editing) session.requestFocus(id);
          }}
        >
          <NbIcon name={editing ? 'check' : 'edit'} />
        </button>
      )}
      <button
        type="button"
        class="nb-icon-button"
        aria-label="Move cell up"
        title="Move cell up"
        disabled={index === 0}
        onClick={() => session.moveCell(id, -1)}
      >
        <NbIcon name="up" />
      </button>
      <button
        type="button"
        class="nb-icon-button"
        aria-label="Move cell down"
        title="Move cell down"
        disabled={index >= count - 1}
        onClick={() => session.moveCell(id, 1)}
      >
        <NbIcon name="down" />
      </button>
      <button
        type="button"
        class="nb-icon-button"
        aria-label="Delete cell"
        title="Delete cell"
        onClick={() => session.deleteCell(id)}
      >
        <NbIcon name="delete" />
      </button>
      <Menu
        label="More cell actions"
        buttonClass="nb-icon-button"
        button={<NbIcon name="more" />}
        items={items}
        align="right"
      />
    </div>
  );
}
