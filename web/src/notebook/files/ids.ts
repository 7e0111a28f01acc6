/** The Files panel's host element id (the rail's Files button controls it). */
export const FILES_PANEL_ID = 'nb-panel-files';
