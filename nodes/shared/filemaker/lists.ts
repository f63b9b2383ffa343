/** Flattening the layout and script lists of the Data API (folders nest their entries). */

interface LayoutEntry {
	name?: unknown;
	isFolder?: unknown;
	folderLayoutNames?: unknown;
}

/** Flattens the layout list (folders contain folderLayoutNames). */
export function flattenLayouts(entries: unknown): string[] {
	const names: string[] = [];
	const walk = (list: unknown) => {
		if (!Array.isArray(list)) return;
		for (const entry of list as LayoutEntry[]) {
			if (!entry || typeof entry !== 'object') continue;
			if (entry.isFolder === true || Array.isArray(entry.folderLayoutNames)) {
				walk(entry.folderLayoutNames);
				continue;
			}
			if (typeof entry.name === 'string' && entry.name !== '') names.push(entry.name);
		}
	};
	walk(entries);
	return names;
}

interface ScriptEntry {
	name?: unknown;
	isFolder?: unknown;
	folderScriptNames?: unknown;
}

/** Flattens the script list (folders contain folderScriptNames; "-" entries are separators). */
export function flattenScripts(entries: unknown): string[] {
	const names: string[] = [];
	const walk = (list: unknown) => {
		if (!Array.isArray(list)) return;
		for (const entry of list as ScriptEntry[]) {
			if (!entry || typeof entry !== 'object') continue;
			if (entry.isFolder === true || Array.isArray(entry.folderScriptNames)) {
				walk(entry.folderScriptNames);
				continue;
			}
			if (typeof entry.name === 'string' && entry.name !== '' && entry.name !== '-') names.push(entry.name);
		}
	};
	walk(entries);
	return names;
}

