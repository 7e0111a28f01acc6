/** The Files panel's element id (the toolbar's Files button controls it). */
export const FILES_PANEL_ID = 'nb-files-panel';
