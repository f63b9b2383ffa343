/** Flattening the layout and script lists of the Data API (folders nest their entries). */

interface ListEntry {
	name?: unknown;
	isFolder?: unknown;
	[folderEntries: string]: unknown;
}

/** The names of a list whose folders carry their entries under `folderKey`, folders flattened, in order. */
function flattenFolders(entries: unknown, folderKey: 'folderLayoutNames' | 'folderScriptNames', keep: (name: string) => boolean): string[] {
	const names: string[] = [];
	const walk = (list: unknown) => {
		if (!Array.isArray(list)) return;
		for (const entry of list as ListEntry[]) {
			if (!entry || typeof entry !== 'object') continue;
			if (entry.isFolder === true || Array.isArray(entry[folderKey])) {
				walk(entry[folderKey]);
				continue;
			}
			if (typeof entry.name === 'string' && entry.name !== '' && keep(entry.name)) names.push(entry.name);
		}
	};
	walk(entries);
	return names;
}

/** Flattens the layout list (folders contain folderLayoutNames). */
export function flattenLayouts(entries: unknown): string[] {
	return flattenFolders(entries, 'folderLayoutNames', () => true);
}

/** Flattens the script list (folders contain folderScriptNames; "-" entries are separators). */
export function flattenScripts(entries: unknown): string[] {
	return flattenFolders(entries, 'folderScriptNames', (name) => name !== '-');
}
