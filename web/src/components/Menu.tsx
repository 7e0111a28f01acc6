// A button that opens a menu of actions (role=menu), with arrow keys, Escape and outside clicks.

import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Icon, type IconName } from './Icon';

export interface MenuItem {
  label: string;
  icon?: IconName;
  onSelect: () => void;
  danger?: boolean;
  /** A keyboard shortcut shown at the item's end ('Ctrl+M B'). */
  shortcut?: string;
  disabled?: boolean;
}

interface Props {
  /** The button's accessible name. */
  label: string;
  /** What the button shows; the label when absent. */
  button?: ComponentChildren;
  buttonClass?: string;
  items: MenuItem[];
  align?: 'left' | 'right';
}

export function Menu({ label, button, buttonClass = 'icon-button', items, align = 'left' }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  const focusItem = (index: number) => {
    const buttons = root.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]');
    if (!buttons?.length) return;
    buttons[(index + buttons.length) % buttons.length].focus();
  };

  useEffect(() => {
    if (!open) return;
    focusItem(0);
    const outside = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  const onKeyDown = (event: KeyboardEvent) => {
    const buttons = Array.from(root.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      trigger.current?.focus();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      focusItem(index + 1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      focusItem(index - 1);
    } else if (event.key === 'Home') {
      event.preventDefault();
      focusItem(0);
    } else if (event.key === 'End') {
      event.preventDefault();
      focusItem(-1);
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div class="menu-anchor" ref={root} onKeyDown={onKeyDown}>
      <button
        ref={trigger}
        type="button"
        class={buttonClass}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={(event) => {
          event.stopPropagation();
          setOpen(!open);
        }}
        onDblClick={(event) => event.stopPropagation()}
      >
        {button ?? label}
      </button>
      {open && (
        <div id={menuId} class={`menu menu-${align}`} role="menu" aria-label={label}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              class={item.danger ? 'menu-item menu-item-danger' : 'menu-item'}
              tabIndex={-1}
              aria-disabled={item.disabled || undefined}
              onClick={(event) => {
                event.stopPropagation();
                if (item.disabled) return;
                setOpen(false);
                item.onSelect();
              }}
              onDblClick={(event) => event.stopPropagation()}
            >
              {item.icon && <Icon name={item.icon} />}
              <span>{item.label}</span>
              {item.shortcut && (
                <span class="menu-shortcut" aria-hidden="true">
                  {item.shortcut}
                </span>
              )}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
