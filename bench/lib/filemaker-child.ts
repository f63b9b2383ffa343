/**
 * The FileMaker emulator of one measurement, in its own Node process (bench/lib/filemaker-process.ts
 * starts it): FileMaker Server and Shopify are separate machines, so neither emulator may wait on the
 * other's CPU. The parent drives it with IPC messages ({ id, op, args } → { id, ok, value | error }).
 */
import { numberedCatalogue, seedCatalogue } from '../../test/emulators/filemaker/catalogue';
import { startFileMakerEmulator } from '../../test/emulators/filemaker';
import type { FileMakerEmulator } from '../../test/emulators/filemaker';
import type { FileMakerChildRequest, FileMakerChildStart } from './filemaker-process';

let emulator: FileMakerEmulator | undefined;

function started(): FileMakerEmulator {
	if (!emulator) throw new Error('the FileMaker emulator has not been started');
	return emulator;
}

async function handle(request: FileMakerChildRequest): Promise<unknown> {
	switch (request.op) {
		case 'start': {
			const options = request.args as FileMakerChildStart;
			emulator = await startFileMakerEmulator({ latencyMs: options.latencyMs, accounts: options.accounts });
			return { url: emulator.url, database: emulator.database };
		}
		case 'seedCatalogue': {
			const [layout, size] = request.args as [string, number];
			seedCatalogue(started(), size, { layout });
			return null;
		}
		case 'seedModifiedCatalogue': {
			// Every record last modified `othersAgoMs` ago, the ones listed `recentAgoMs` ago (FileMaker's clock).
			const [layout, quantities, recent, othersAgoMs, recentAgoMs] = request.args as [string, number[], number[], number, number];
			const fm = started();
			const now = fm.now();
			const longAgo = fm.timestampOf(now - othersAgoMs);
			const justNow = fm.timestampOf(now - recentAgoMs);
			const recentSet = new Set(recent);
			fm.seed(
				layout,
				numberedCatalogue(quantities.length).map((item, i) => ({
					SKU: item.sku,
					Quantity: quantities[i],
					Name: item.name,
					ModifiedAt: recentSet.has(i) ? justNow : longAgo,
				})),
			);
			return null;
		}
		case 'quantities': {
			const [layout, field] = request.args as [string, string];
			return started()
				.records(layout)
				.map((r) => Number(r.fieldData[field]));
		}
		case 'requestLog':
			return started().requestLog;
		case 'clearRequestLog':
			started().requestLog.length = 0;
			return null;
		case 'stats':
			return started().stats;
		case 'close':
			await emulator?.close();
			emulator = undefined;
			return null;
	}
	throw new Error(`unknown request ${String((request as { op: unknown }).op)}`);
}

process.on('message', (message: FileMakerChildRequest) => {
	handle(message).then(
		(value) => process.send!({ id: message.id, ok: true, value }),
		(error: unknown) => process.send!({ id: message.id, ok: false, error: (error as Error)?.stack ?? String(error) }),
	);
});
process.on('disconnect', () => process.exit(0));
