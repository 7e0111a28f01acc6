// The settings' command (Colab: Tools > Settings).

import type { Command } from '../commands/types';
import { openSettings } from './SettingsDialog';

export const settingsCommands: Command[] = [
  {
    id: 'tools:settings',
    label: 'Settings',
    category: 'Tools',
    run: () => openSettings(),
  },
];
