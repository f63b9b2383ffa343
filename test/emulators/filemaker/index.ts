/**
 * FileMaker Data API emulator — public entry point (contract: see README.md in this folder).
 *
 *   import { startFileMakerEmulator } from '../emulators/filemaker';
 *   const fm = await startFileMakerEmulator({ numbersAsStrings: false });
 *   // credential host = fm.url, database = fm.database, username 'admin', password 'secret'
 */
export type {
	FileMakerEmulator,
	FileMakerEmulatorOptions,
	FileMakerFault,
	FileMakerFieldDef,
	FileMakerLayoutDef,
	FileMakerRawRecord,
	FileMakerRequestHook,
	FileMakerRequestInfo,
	FileMakerRequestLogEntry,
	FileMakerScript,
	FileMakerScriptContext,
	FileMakerStats,
} from './types';
export { startFileMakerEmulator, DEFAULT_LAYOUTS, MULTI_LOCATION_LAYOUTS } from './server';
export { seedCatalogue, catalogueSku, apparelCatalogue } from './catalogue';
export type { CatalogueItem, SeedCatalogueOptions } from './catalogue';
