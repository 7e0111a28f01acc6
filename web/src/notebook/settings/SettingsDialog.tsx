// Settings (Colab: Tools > Settings): theme and the code editor's settings. Each change applies
// at once (every open editor follows) and is saved to the person's preferences on the hub.

import { Dialog } from '../../components/Dialog';
import { closeDialog, showDialog } from '../../state/dialogs';
import {
  type EditorPreferences,
  FONT_SIZES,
  INDENT_SIZES,
  type IndentSize,
  preferences,
  type ThemeSetting,
  updatePreferences,
} from '../../state/preferences';
import './settings.css';

const THEMES: { value: ThemeSetting; label: string }[] = [
  { value: 'system', label: 'System default' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const FLAGS: { key: 'lineNumbers' | 'closeBrackets' | 'lineWrap' | 'vim'; label: string }[] = [
  { key: 'lineNumbers', label: 'Show line numbers' },
  { key: 'closeBrackets', label: 'Automatically close brackets and quotes' },
  { key: 'lineWrap', label: 'Wrap long lines in code cells' },
  { key: 'vim', label: 'Vim key bindings' },
];

const FONT_SIZE_CHOICES = Array.from({ length: FONT_SIZES.max - FONT_SIZES.min + 1 }, (_, i) => FONT_SIZES.min + i);

function setEditor(patch: Partial<EditorPreferences>): void {
  void updatePreferences({ editor: patch });
}

export function SettingsDialog() {
  const prefs = preferences.value;
  const editor = prefs.editor;
  return (
    <Dialog title="Settings" onClose={closeDialog} className="settings-dialog">
      <form class="stack settings-form" onSubmit={(event) => (event.preventDefault(), closeDialog())}>
        <fieldset class="settings-group">
          <legend>Appearance</legend>
          <label class="field">
            <span class="field-label">Theme</span>
            <select
              name="theme"
              value={prefs.theme}
              onChange={(event) => void updatePreferences({ theme: event.currentTarget.value as ThemeSetting })}
            >
              {THEMES.map((theme) => (
                <option key={theme.value} value={theme.value}>
                  {theme.label}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <fieldset class="settings-group">
          <legend>Editor</legend>
          <div class="settings-row">
            <label class="field">
              <span class="field-label">Indentation width in spaces</span>
              <select
                name="indent"
                value={String(editor.indent)}
                onChange={(event) => setEditor({ indent: Number(event.currentTarget.value) as IndentSize })}
              >
                {INDENT_SIZES.map((size) => (
                  <option key={size} value={String(size)}>
                    {size}
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              <span class="field-label">Font size</span>
              <select
                name="fontSize"
                value={String(editor.fontSize)}
                onChange={(event) => setEditor({ fontSize: Number(event.currentTarget.value) })}
              >
                {FONT_SIZE_CHOICES.map((size) => (
                  <option key={size} value={String(size)}>
                    {size} px
                  </option>
                ))}
              </select>
            </label>
          </div>
          {FLAGS.map((flag) => (
            <label key={flag.key} class="checkbox">
              <input
                type="checkbox"
                name={flag.key}
                checked={editor[flag.key]}
                onChange={(event) => setEditor({ [flag.key]: event.currentTarget.checked })}
              />
              {flag.label}
            </label>
          ))}
          {editor.vim && (
            <p class="field-hint settings-hint">
              In vim mode Escape belongs to vim (normal mode); click outside the cell to leave the editor.
            </p>
          )}
        </fieldset>
        <p class="field-hint">Changes apply at once and are saved to your account.</p>
        <div class="dialog-actions">
          <button type="submit" class="button button-primary">
            Close
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function openSettings(): void {
  showDialog(<SettingsDialog />);
}
