// The assist feature's side panels (contract C3): Variables (left, on the rail), Help and the
// scratch cell (right).

import { h } from 'preact';
import type { PanelDef } from '../panels/index';
import { HELP_PANEL } from './help';
import { HelpPanel } from './HelpPanel';
import { SCRATCH_PANEL, ScratchPanel } from './ScratchPanel';
import { VARIABLES_PANEL, VariablesPanel } from './VariablesPanel';

export const assistPanels: PanelDef[] = [
  { id: VARIABLES_PANEL, label: 'Variables', side: 'left', icon: 'variables', render: (session) => h(VariablesPanel, { session }) },
  { id: HELP_PANEL, label: 'Help', side: 'right', icon: 'help', render: (session) => h(HelpPanel, { session }) },
  { id: SCRATCH_PANEL, label: 'Scratch cell', side: 'right', icon: 'code', render: (session) => h(ScratchPanel, { session }) },
];
